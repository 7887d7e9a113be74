import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertView } from 'trading-telemetry/alerting';
import { ActivityGovernor } from '../../src/alerting/activity-governor.js';
import { IncidentLog } from '../../src/alerting/incident-log.js';
import { RiskBlocks } from '../../src/risk-blocks.js';

const firing = (rule: string, governor?: string): AlertView => ({
  id: rule, rule, severity: 'critical', state: 'firing', labels: governor === undefined ? {} : { governor }, group: rule, message: `${rule} is bad`,
  value: null, since: 0, acknowledgedBy: null, silenced: false, inhibited: false, correlationId: null, traceId: null, error: null,
});

describe('ActivityGovernor', () => {
  it('follows firing alerts: throttle and halt labels, halt winning; back to normal when they resolve; each transition an incident', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'governor-'));
    try {
      let now = 0;
      const incidents = await IncidentLog.open({ path: join(dir, 'i.jsonl') });
      const warnings: string[] = [];
      const governor = new ActivityGovernor({ now: () => now, incidents, throttledOrdersPerSecond: 2, logger: { warn: (_f, m) => warnings.push(m) } });
      expect(governor.allow()).toEqual({ allowed: true, state: 'normal', reason: null });

      governor.updateFromAlerts([firing('rejection_rate_spike', 'throttle')]);
      expect(governor.state).toBe('throttled');
      // Token bucket: 2 per second.
      expect([governor.allow(), governor.allow(), governor.allow()].map((d) => d.allowed)).toEqual([true, true, false]);
      now += 500;
      expect(governor.allow().allowed).toBe(true);
      expect(governor.allow().allowed).toBe(false);
      expect(governor.allow({ reducesRisk: true }).allowed).toBe(true);

      governor.updateFromAlerts([firing('rejection_rate_spike', 'throttle'), firing('daily_loss_limit', 'halt')]);
      expect(governor.allow()).toEqual({ allowed: false, state: 'halted', reason: 'daily_loss_limit: daily_loss_limit is bad' });
      expect(governor.allow({ reducesRisk: true }).allowed).toBe(true);

      governor.updateFromAlerts([firing('no_effect')]);
      expect(governor.state).toBe('normal');
      expect(warnings).toEqual([
        'governor normal → throttled (rejection_rate_spike: rejection_rate_spike is bad)',
        'governor throttled → halted (daily_loss_limit: daily_loss_limit is bad)',
        'governor halted → normal',
      ]);
      expect(incidents.query({ kind: 'governor' })).toHaveLength(3);
      await incidents.flushed();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('can be overridden by hand until the override expires', () => {
    let now = 0;
    const governor = new ActivityGovernor({ now: () => now });
    governor.override('halted', 'venue maintenance', 60_000);
    expect(governor.allow()).toEqual({ allowed: false, state: 'halted', reason: 'manual: venue maintenance' });
    governor.updateFromAlerts([]);
    expect(governor.state).toBe('halted');
    now = 60_000;
    expect(governor.state).toBe('normal');
  });

  describe('exchange and symbol blocks, on a fake clock', () => {
    function setup(): { governor: ActivityGovernor; blocks: RiskBlocks; warnings: string[]; advance: (ms: number) => void } {
      let now = 1_000_000;
      const blocks = new RiskBlocks(() => now);
      const warnings: string[] = [];
      const governor = new ActivityGovernor({ now: () => now, blocks, throttledOrdersPerSecond: 2, logger: { warn: (_f, m) => warnings.push(m) } });
      return { governor, blocks, warnings, advance: (ms) => (now += ms) };
    }

    it('a rate limit near its end throttles that exchange only, with its own token bucket', () => {
      const { governor, blocks, warnings, advance } = setup();
      blocks.set('rate_limit:binance', { exchange: 'binance', level: 'throttle', reason: 'request weight 93 % of the 1-minute limit' });
      const binance = { exchange: 'binance', symbol: 'BTC/USDT' };
      expect([governor.allow(binance), governor.allow(binance), governor.allow(binance)].map((d) => d.allowed)).toEqual([true, true, false]);
      expect(governor.allow(binance)).toEqual({ allowed: false, state: 'throttled', reason: 'binance: request weight 93 % of the 1-minute limit' });
      expect(governor.allow({ exchange: 'okx', symbol: 'BTC/USDT' })).toEqual({ allowed: true, state: 'normal', reason: null });
      expect(governor.allow({ ...binance, reducesRisk: true }).allowed).toBe(true);
      advance(500);
      expect(governor.allow(binance).allowed).toBe(true);
      blocks.clear('rate_limit:binance');
      expect([governor.allow(binance), governor.allow(binance), governor.allow(binance)].every((d) => d.allowed)).toBe(true);
      expect(warnings).toEqual(['governor throttles binance: request weight 93 % of the 1-minute limit', 'governor lifts the throttle of binance (request weight 93 % of the 1-minute limit)']);
    });

    it('a 418 ban halts the exchange until it ends, then lifts by itself', () => {
      const { governor, blocks, advance } = setup();
      blocks.set('ban:binance', { exchange: 'binance', level: 'halt', reason: 'IP banned (418) for 120 s', until: 1_000_000 + 120_000 });
      expect(governor.allow({ exchange: 'binance' })).toEqual({ allowed: false, state: 'halted', reason: 'binance: IP banned (418) for 120 s' });
      expect(governor.allow({ exchange: 'binance', reducesRisk: true }).allowed).toBe(true);
      advance(119_999);
      expect(governor.allow({ exchange: 'binance' }).allowed).toBe(false);
      advance(1);
      expect(governor.allow({ exchange: 'binance' }).allowed).toBe(true);
      expect(blocks.active()).toEqual([]);
    });

    it('a silent order book blocks its symbol only; a halt wins over a throttle; the global state still applies first', () => {
      const { governor, blocks } = setup();
      blocks.set('book:binance:ETH/USDT', { exchange: 'binance', symbol: 'ETH/USDT', level: 'halt', reason: 'order book silent for 7.2 s (3× its usual interval)' });
      expect(governor.allow({ exchange: 'binance', symbol: 'ETH/USDT' }).allowed).toBe(false);
      expect(governor.allow({ exchange: 'binance', symbol: 'BTC/USDT' }).allowed).toBe(true);
      blocks.set('rate_limit:binance', { exchange: 'binance', level: 'throttle', reason: 'weight 95 %' });
      expect(governor.allow({ exchange: 'binance', symbol: 'ETH/USDT' }).reason).toBe('binance ETH/USDT: order book silent for 7.2 s (3× its usual interval)');
      governor.override('halted', 'desk', 1_000_000 + 60_000);
      expect(governor.allow({ exchange: 'okx' })).toEqual({ allowed: false, state: 'halted', reason: 'manual: desk' });
    });

    it('a clock drifting toward half the recvWindow halts new orders on that exchange', () => {
      const { governor, blocks } = setup();
      blocks.set('clock:binance', { exchange: 'binance', level: 'halt', reason: 'clock 2600 ms ahead of the exchange (half of recvWindow 5000 ms is 2500)' });
      expect(governor.allow({ exchange: 'binance', symbol: 'BTC/USDT' })).toMatchObject({ allowed: false, state: 'halted' });
      blocks.set('clock:binance', { exchange: 'binance', level: 'halt', reason: 'clock 2600 ms ahead of the exchange (half of recvWindow 5000 ms is 2500)' }); // the same block again is no change
      blocks.clear('clock:binance');
      expect(governor.allow({ exchange: 'binance', symbol: 'BTC/USDT' }).allowed).toBe(true);
    });
  });
});
