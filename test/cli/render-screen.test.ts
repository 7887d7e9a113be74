import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry, type TelemetryHandle } from 'trading-telemetry';
import { renderScreen, type ScreenInput } from '../../src/cli/render-screen.js';
import { sparkline } from '../../src/cli/sparkline.js';
import { visibleWidth } from '../../src/cli/terminal-text.js';
import { run } from '../support/processes.js';
import { metricsHarness } from '../support/metric-collector.js';

const root = resolve(import.meta.dirname, '../..');
const tsx = resolve(root, 'node_modules/.bin/tsx');
const cli = resolve(root, 'src/cli/main.ts');

const ALERTS = [
  { rule: 'exchange_stale', severity: 'warning', state: 'pending', message: 'sim quiet for 12 s' },
  { rule: 'high_reject_rate', severity: 'critical', state: 'firing', message: 'rejections 25% over 1 min' },
];

/** A screen input from a real facade: orders, P&L, a position and a balance; no alerting. */
function input(): { input: ScreenInput; shutdown: () => Promise<void> } {
  let now = 0;
  const h = metricsHarness({ clock: () => now });
  const orders = h.telemetry.orders.for({ exchange: 'sim', symbol: 'BTC-USD', side: 'buy' });
  orders.placed(40);
  for (let i = 0; i < 30; i++) orders.filled();
  orders.rejected('rate_limited', 2);
  for (let i = 0; i < 30; i++) orders.orderDuration('filled', 0.012);
  h.telemetry.portfolio.setPnl({ realized: 1234.5, unrealized: -34.25 });
  h.telemetry.portfolio.setPosition('sim', 'BTC-USD', -0.25);
  h.telemetry.portfolio.setBalance('sim', 'USD', 1_022_445.9);
  now = 3_723_000;
  return {
    shutdown: () => h.shutdown(),
    input: {
      url: 'http://127.0.0.1:9464',
      serviceName: 'mm-bot',
      state: 'ready',
      snapshot: h.telemetry.snapshot(),
      health: { status: 'degraded', checks: [{ name: 'exchange:sim', status: 'degraded', reason: 'no market data for 12.0 s', latencyMs: 0, checkedAt: 0, probes: ['readiness'] }] },
      stages: { dominant: 'acknowledged', stages: [{ stage: 'acknowledged', count: 1, mean: 0.01, p50: 0.01, p95: 0.02, p99: 0.03, share: 0.7 }, { stage: 'filled', count: 1, mean: 0.004, p50: 0.004, p95: 0.005, p99: 0.006, share: 0.3 }] },
      history: { placedRate: [0, 5, 10, 20], latencyP95: [null, 0.01, 0.02, 0.015], pnlRealized: [0, 1, 2, 3], pnlUnrealized: [0, 0, 0, 0] },
      footer: 'live · Ctrl-C quits',
    },
  };
}

describe('the terminal view', () => {
  let handle: TelemetryHandle | undefined;
  afterEach(async () => handle?.shutdown());

  it('renders a snapshot as a box whose every line is exactly the terminal width', async () => {
    const { input: screenInput, shutdown } = input();
    for (const width of [60, 80, 132]) {
      const lines = renderScreen({ ...screenInput, alerts: ALERTS }, { width, color: false }).split('\n');
      expect(lines.map(visibleWidth), `width ${width}`).toEqual(lines.map(() => width));
      expect(lines[0]).toMatch(/^╔═ TRADING TELEMETRY · mm-bot ═+ http:\/\/127\.0\.0\.1:9464 ═╗$/);
      expect(lines.at(-1)).toMatch(/^╚═+ live · Ctrl-C quits ═╝$/);
    }
    expect(renderScreen(screenInput, { width: 10, color: false }).split('\n')[0]).toHaveLength(60); // clamped
    await shutdown();
  });

  it('shows the numbers with their units, the sparklines, health, stages and firing alerts first', async () => {
    const { input: screenInput, shutdown } = input();
    const screen = renderScreen({ ...screenInput, alerts: ALERTS }, { width: 100, color: false });
    expect(screen).toContain('● DEGRADED   ready   uptime 01h 02m 03s');
    expect(screen).toMatch(/placed 40 {3}filled 30 {3}rejected 2 {3}cancelled 0 {3}expired 0 {3}active 8/);
    expect(screen).toContain('fill rate 75.0%   reject rate 5.0%');
    expect(screen).toContain('20.0/s placed');
    expect(screen).toContain('orders/s  ▁▃▅█  20.0/s');
    expect(screen).toContain('p95 trend  ▁█▄  15.0 ms');
    expect(screen).toMatch(/p50 \d+\.\d+ ms {3}p95/);
    expect(screen).toContain('total +1,200.25   realized +1,234.50   unrealized −34.25');
    expect(screen).toMatch(/sim\s+BTC-USD\s+−0\.25/);
    expect(screen).toMatch(/sim\s+USD\s+1,022,445\.90/);
    expect(screen).toContain('! exchange:sim');
    expect(screen).toContain('no market data for 12.0 s');
    expect(screen).toContain('bottleneck: acknowledged');
    expect(screen).toMatch(/acknowledged\s+10\.0 ms\s+20\.0 ms\s+30\.0 ms\s+███████░░░ 70\.0%/);
    expect(screen).toContain('1 firing');
    expect(screen.indexOf('high_reject_rate')).toBeLessThan(screen.indexOf('exchange_stale'));
    expect(screen).not.toContain('\x1b[');
    await shutdown();
  });

  it('colours for a terminal, keeping the width, and says when alerting is off or nothing fires', async () => {
    const { input: screenInput, shutdown } = input();
    const colored = renderScreen({ ...screenInput, alerts: ALERTS }, { width: 80, color: true });
    expect(colored).toContain('\x1b[31m● FIRING\x1b[0m');
    expect(colored).toContain('\x1b[32m+1,234.50\x1b[0m');
    expect(colored.split('\n').map(visibleWidth).every((w) => w === 80)).toBe(true);
    expect(renderScreen({ ...screenInput, alerts: [] })).toContain('no active alerts');
    expect(renderScreen(screenInput)).not.toContain('Alerts');
    await shutdown();
  });

  it('draws sparklines between the minimum and maximum, with gaps for missing samples', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5, 5], 10)).toBe('▁▁▁');
    expect(sparkline([0, null, Number.NaN, 10], 4)).toBe('▁  █');
    expect(sparkline([9, 0, 10], 2)).toBe('▁█');
    expect(sparkline([null, null], 5)).toBe('  ');
  });

  it('`trading-telemetry report URL` prints it from a running process', async () => {
    handle = await startTelemetry({ serviceName: 'cli-test', server: { port: 0 }, env: {} });
    handle.telemetry.orders.for({ exchange: 'x', symbol: 'ETH-USD', side: 'sell' }).placed(7);
    const result = await run(tsx, [cli, 'report', handle.url ?? '']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('TRADING TELEMETRY · cli-test');
    expect(result.output).toContain('placed 7');
    expect(result.output).toContain('Health');
    expect(result.output).not.toContain('\x1b['); // not a terminal: no colour
  });

  it('`report` names the token variable when the process answers 401, and prints usage for an unknown command', async () => {
    handle = await startTelemetry({ serviceName: 'cli-test', server: { port: 0, token: 'a-long-enough-secret-token' }, env: {} });
    const refused = await run(tsx, [cli, 'report', handle.url ?? '']);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('answered 401 (set TRADING_TELEMETRY_TOKEN)');
    const usage = await run(tsx, [cli, 'dance']);
    expect(usage.code).toBe(2);
    expect(usage.output).toContain('trading-telemetry: unknown command dance');
    expect(usage.output).toContain('usage: trading-telemetry <command> [options]');
  });

  it.each([['--help'], ['help'], ['report', '--help'], ['watch', '--help'], ['chaos', '--help'], ['chaos', '-h']])('answers %s with its help and exit 0', async (...args) => {
    const result = await run(tsx, [cli, ...args]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/^usage: trading-telemetry /);
  });

  it('chaos, outside the repository and without --bot, says exactly what it needs', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'chaos-cwd-'));
    const result = await run(tsx, [cli, 'chaos', '--short'], '', elsewhere);
    expect(result.code).toBe(1);
    expect(result.output).toContain('trading-telemetry chaos: no bot to drill: pass --bot "COMMAND ARGS"');
    expect(result.output).toContain('exists only in a clone of the trading-telemetry repository');
  });
});
