import { afterEach, describe, expect, it } from 'vitest';
import type { OrderSummary } from 'trading-telemetry';
import { mountDashboardApiRoutes } from '../../src/server/routes/dashboard-api-routes.js';
import { HealthRegistry } from '../../src/health/health-registry.js';
import { ProcessLifecycle } from '../../src/health/process-lifecycle.js';
import { MetricsHistory } from '../../src/history/metrics-history.js';
import { LiveStream } from '../../src/server/live-stream.js';
import { TelemetryServer } from '../../src/server/telemetry-server.js';
import { metricsHarness } from '../support/metric-collector.js';

describe('the dashboard API', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function start(): Promise<{ url: string; history: MetricsHistory; h: ReturnType<typeof metricsHarness>; setNow: (ms: number) => void }> {
    let now = 1_000;
    const h = metricsHarness({ clock: () => now });
    const history = new MetricsHistory({ retentionSeconds: 60 });
    const stream = new LiveStream();
    const health = new HealthRegistry();
    health.register('venue', () => ({ status: 'degraded', reason: 'slow' }));
    const server = new TelemetryServer({ host: '127.0.0.1', port: 0 });
    mountDashboardApiRoutes(server, { telemetry: h.telemetry, history, stream, health, lifecycle: new ProcessLifecycle(), serviceName: 'api-test', jaegerUrl: 'http://127.0.0.1:16686', features: () => ['alerting'], exchanges: () => [] });
    await server.listen();
    cleanup.push(() => h.shutdown(), () => stream.close(), () => server.close());
    return { url: server.url(), history, h, setNow: (ms) => (now = ms) };
  }

  it('serves the config, and the snapshot with stages, health and lifecycle state', async () => {
    const { url, h } = await start();
    h.telemetry.orders.for({ exchange: 'x', symbol: 'BTC-USD', side: 'buy' }).placed(4);
    expect(await (await fetch(`${url}/api/config`)).json()).toEqual({ serviceName: 'api-test', jaegerUrl: 'http://127.0.0.1:16686', resolutionSeconds: 1, features: ['alerting'] });
    const body = (await (await fetch(`${url}/api/snapshot`)).json()) as { snapshot: { orders: { placed: number } }; health: { status: string }; state: string; stages: unknown };
    expect(body.snapshot.orders.placed).toBe(4);
    expect(body.health.status).toBe('degraded');
    expect(body.state).toBe('starting');
    expect(body.stages).toHaveProperty('stages');
  });

  it('serves the history in columns, only newer than ?since=', async () => {
    const { url, history, h, setNow } = await start();
    for (const t of [1_000, 2_000, 3_000]) {
      setNow(t);
      history.record(h.telemetry.snapshot(), h.telemetry.orders.latencyHistogram());
    }
    const all = (await (await fetch(`${url}/api/history`)).json()) as { resolutionSeconds: number; series: { t: number[]; latencyP50: (number | null)[] } };
    expect(all.resolutionSeconds).toBe(1);
    expect(all.series.t).toEqual([1_000, 2_000, 3_000]);
    expect(all.series.latencyP50).toEqual([null, null, null]); // NaN (no orders) travels as JSON null
    expect(((await (await fetch(`${url}/api/history?since=2000`)).json()) as { series: { t: number[] } }).series.t).toEqual([3_000]);
    expect((await fetch(`${url}/api/history?since=nonsense`)).status).toBe(400);
    expect(((await (await fetch(`${url}/api/history`)).json()) as { series: { t: number[] } }).series.t).toHaveLength(3);
  });

  it('finds orders by correlation id or exchange order id, and opens one by id', async () => {
    const { url, h } = await start();
    h.telemetry.orders.track({ exchange: 'x', symbol: 'BTC-USD', side: 'buy', quantity: 1, clientOrderId: 'alpha-1' }).riskChecked().sent().acknowledged({ exchangeOrderId: 'EX-77' }).filled({ price: 100 });
    h.telemetry.orders.track({ exchange: 'x', symbol: 'ETH-USD', side: 'sell', quantity: 2, clientOrderId: 'beta-2' }).riskChecked();
    const search = async (q: string): Promise<string[]> =>
      ((await (await fetch(`${url}/api/orders?q=${encodeURIComponent(q)}`)).json()) as { orders: OrderSummary[] }).orders.map((o) => o.correlationId);
    expect(await search('')).toEqual(['beta-2', 'alpha-1']); // open first, then recent
    expect(await search('alpha')).toEqual(['alpha-1']);
    expect(await search('EX-77')).toEqual(['alpha-1']);
    expect(await search('nobody')).toEqual([]);
    const one = (await (await fetch(`${url}/api/orders/alpha-1`)).json()) as OrderSummary;
    expect(one.stages.map((s) => s.stage)).toEqual(['created', 'risk_checked', 'sent', 'acknowledged', 'filled']);
    expect(one.slowestStage).not.toBeNull();
    expect((await fetch(`${url}/api/orders/${encodeURIComponent('../../etc/passwd')}`)).status).toBe(404);
    expect((await fetch(`${url}/api/orders/%E0%A4%A`)).status).toBe(400);
  });
});
