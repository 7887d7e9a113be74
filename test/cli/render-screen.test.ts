import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry, type TelemetryHandle } from 'trading-telemetry';
import { renderScreen } from '../../src/cli/render-screen.js';
import { run } from '../support/processes.js';
import { metricsHarness } from '../support/metric-collector.js';

const root = resolve(import.meta.dirname, '../..');

describe('the terminal view', () => {
  let handle: TelemetryHandle | undefined;
  afterEach(async () => handle?.shutdown());

  it('renders a snapshot as the boxed report with health and stages', async () => {
    const h = metricsHarness({ clock: () => 0 });
    h.telemetry.orders.for({ exchange: 'x', symbol: 'BTC-USD', side: 'buy' }).placed(3);
    const screen = renderScreen({
      url: 'http://127.0.0.1:9464',
      snapshot: h.telemetry.snapshot(),
      health: { status: 'degraded', checks: [{ name: 'exchange:x', status: 'degraded', reason: 'slow data', latencyMs: 0, checkedAt: 0, probes: ['readiness'] }] },
      stages: { dominant: 'acknowledged', stages: [{ stage: 'acknowledged', count: 1, mean: 0.01, p50: 0.01, p95: 0.02, p99: 0.03, share: 1 }] },
    });
    expect(screen).toContain('TRADING BOT MONITOR');
    expect(screen).toContain('3 placed');
    expect(screen).toContain('! exchange:x');
    expect(screen).toContain('bottleneck: acknowledged');
    expect(screen).toMatch(/acknowledged\s+p50\s+10\.0 ms/);
    await h.shutdown();
  });

  it('`trading-telemetry report URL` prints it from a running process', async () => {
    handle = await startTelemetry({ serviceName: 'cli-test', server: { port: 0 }, env: {} });
    handle.telemetry.orders.for({ exchange: 'x', symbol: 'ETH-USD', side: 'sell' }).placed(7);
    const result = await run(resolve(root, 'node_modules/.bin/tsx'), [resolve(root, 'src/cli/main.ts'), 'report', handle.url ?? '']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('7 placed');
    expect(result.output).toContain('Health: ');
  });

  it('prints usage and exits 2 for an unknown command', async () => {
    const result = await run(resolve(root, 'node_modules/.bin/tsx'), [resolve(root, 'src/cli/main.ts'), 'dance']);
    expect(result.code).toBe(2);
    expect(result.output).toContain('usage: trading-telemetry <report|watch>');
  });
});
