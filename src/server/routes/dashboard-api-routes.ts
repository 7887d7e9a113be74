import { z } from 'zod';
import type { ExchangeHealthView } from '../../exchange-health-view.js';
import type { MetricsHistory } from '../../history/metrics-history.js';
import type { HealthSource, LifecycleSource, RecentOrdersSource, SnapshotSource } from '../dashboard-sources.js';
import { HttpError } from '../http-error.js';
import type { LiveStream } from '../live-stream.js';
import type { TelemetryServer } from '../telemetry-server.js';

/**
 * What the dashboard API reads. Each source is a small interface, so any implementation plugs
 * in with one line; startTelemetry passes the facade, its HealthRegistry and ProcessLifecycle.
 */
export interface ApiSources {
  /** Snapshots and orders: a `TradingTelemetry` fits. */
  readonly telemetry: SnapshotSource & { readonly orders: RecentOrdersSource };
  readonly history: MetricsHistory;
  readonly stream: LiveStream;
  readonly health: HealthSource;
  readonly lifecycle: LifecycleSource;
  /** Shown in the page title and used in trace links. */
  readonly serviceName: string;
  /** Jaeger UI base URL (e.g. http://127.0.0.1:16686): orders link to their trace there when set. */
  readonly jaegerUrl: string | undefined;
  /** The health of each instrumented exchange (trading-telemetry/ccxt): rate limits, clock, books, blocks. */
  readonly exchanges: () => readonly ExchangeHealthView[];
  /** The optional parts this process serves (`alerting` once startAlerting attached), so the dashboard asks only for those. */
  readonly features: () => readonly string[];
}

/** GET answers are shared this long: a flood of polls costs one render per half second and URL. */
const API_CACHE_MILLIS = 500;
const cached = { cacheMillis: API_CACHE_MILLIS };

const historyQuery = z.strictObject({ since: z.coerce.number().optional() });
const ordersQuery = z.strictObject({
  q: z.string().max(256).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/**
 * The dashboard's JSON API: `/api/config` (with the features served), `/api/snapshot`,
 * `/api/history?since=`, `/api/stream` (SSE), `/api/orders?q=&limit=` (search by correlation
 * or exchange order id), `/api/orders/<id>` and `/api/exchanges` (each instrumented exchange's
 * health: ids, numbers and fixed reasons only). GET answers are shared for half a second.
 */
export function mountDashboardApiRoutes(server: TelemetryServer, sources: ApiSources): void {
  const { telemetry, history } = sources;
  server.route('GET', '/api/config', (ctx) =>
    ctx.json(200, { serviceName: sources.serviceName, jaegerUrl: sources.jaegerUrl ?? null, resolutionSeconds: history.resolutionSeconds, features: sources.features() }),
  );
  server.route('GET', '/api/snapshot', async (ctx) => {
    const health = await sources.health.run();
    ctx.json(200, { snapshot: telemetry.snapshot(), stages: telemetry.orders.stageReport(), health, state: sources.lifecycle.state });
  }, cached);
  server.route('GET', '/api/history', (ctx) => {
    const { since } = ctx.query(historyQuery);
    ctx.json(200, { resolutionSeconds: history.resolutionSeconds, series: history.series(since ?? -Infinity) });
  }, cached);
  server.route('GET', '/api/stream', (ctx) => sources.stream.accept(ctx.req, ctx.res));
  server.route('GET', '/api/orders', (ctx) => {
    const { q = '', limit = 50 } = ctx.query(ordersQuery);
    const query = q.trim();
    const orders = [...telemetry.orders.open().reverse(), ...telemetry.orders.recent()]
      .filter((o) => query === '' || o.correlationId.includes(query) || o.exchangeOrderId?.includes(query) === true)
      .slice(0, limit);
    ctx.json(200, { orders });
  }, cached);
  server.route('GET', '/api/exchanges', (ctx) => ctx.json(200, { exchanges: sources.exchanges() }), cached);
  server.route('GET', '/api/orders/:id', (ctx) => {
    const id = ctx.param('id');
    const order = telemetry.orders.find(id);
    if (order === undefined) throw new HttpError(404, `no open or recent order ${id}`);
    ctx.json(200, order);
  }, cached);
}
