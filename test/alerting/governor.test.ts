import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActivityGovernor, type AlertView, IncidentLog } from 'trading-telemetry';

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
});
