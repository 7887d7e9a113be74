import type { MetricsHistory } from '../history/metrics-history.js';
import type { HealthSource, LifecycleSource, RecentOrdersSource, SnapshotSource } from './dashboard-sources.js';
import { sendJson } from './json.js';
import type { LiveStream } from './live-stream.js';
import type { TelemetryServer } from './telemetry-server.js';

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
}

/**
 * The dashboard's JSON API: `/api/snapshot`, `/api/history?since=`, `/api/stream` (SSE),
 * `/api/orders?q=` (search by correlation id), `/api/orders/<id>` and `/api/config`.
 */
export function mountApiRoutes(server: TelemetryServer, sources: ApiSources): void {
  const { telemetry, history } = sources;
  server.route('/api/config', (_req, res) => sendJson(res, 200, { serviceName: sources.serviceName, jaegerUrl: sources.jaegerUrl ?? null, resolutionSeconds: history.resolutionSeconds }));
  server.route('/api/snapshot', async (_req, res) => {
    const health = await sources.health.run();
    sendJson(res, 200, { snapshot: telemetry.snapshot(), stages: telemetry.orders.stageReport(), health, state: sources.lifecycle.state });
  });
  server.route('/api/history', (req, res) => {
    const since = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('since') ?? -Infinity);
    sendJson(res, 200, { resolutionSeconds: history.resolutionSeconds, series: history.series(Number.isFinite(since) ? since : -Infinity) });
  });
  server.route('/api/stream', (req, res) => sources.stream.accept(req, res));
  server.route('/api/orders', (req, res) => {
    const params = new URL(req.url ?? '/', 'http://x').searchParams;
    const query = (params.get('q') ?? '').trim();
    const limit = Math.min(Math.max(Number(params.get('limit') ?? 50) || 50, 1), 500);
    const orders = [...telemetry.orders.open().reverse(), ...telemetry.orders.recent()]
      .filter((o) => query === '' || o.correlationId.includes(query) || o.exchangeOrderId?.includes(query) === true)
      .slice(0, limit);
    sendJson(res, 200, { orders });
  });
  server.route('/api/orders/*', (req, res) => {
    const raw = (req.url ?? '').split('?', 1)[0]?.slice('/api/orders/'.length) ?? '';
    let id: string;
    try {
      id = decodeURIComponent(raw);
    } catch {
      return sendJson(res, 400, { error: `malformed percent-encoding in order id ${raw}` });
    }
    const order = telemetry.orders.find(id);
    if (order === undefined) sendJson(res, 404, { error: `no open or recent order ${id}` });
    else sendJson(res, 200, order);
  });
}
