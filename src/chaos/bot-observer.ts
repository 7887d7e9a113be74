import type { OrderTotals } from '../metrics/bound-order-metrics.js';
import { sumSamples } from './prometheus-text.js';

/** Health check statuses as /health reports them. */
export type CheckStatus = 'healthy' | 'degraded' | 'unhealthy';

/** What the runner sees of a bot at one instant, read over its telemetry server. */
export interface BotObservation {
  /** Epoch ms. */
  readonly at: number;
  /** False when the bot did not answer in time (a stalled event loop does that). */
  readonly reachable: boolean;
  /** Rule names firing in the bot's alert engine. */
  readonly firing: readonly string[];
  readonly governor: string;
  /** Why the governor is not `normal` (the alert or override driving it); null when it is. */
  readonly governorReason: string | null;
  /** The exchange-health blocks in force (rate limit, ban, clock, book), which leave `governor` as it is. */
  readonly blocks: readonly ObservedBlock[];
  /** Its readiness probe verdict. */
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckStatus>>;
  readonly orders: OrderTotals;
  /** Start times (epoch ms) of the orders still open. */
  readonly openOrderStarts: readonly number[];
  /** Sum of trading_telemetry_dropped_total. */
  readonly telemetryDropped: number;
  /** Sum of trading_telemetry_lifecycle_errors_total{reason="timed_out"}. */
  readonly timedOutOrders: number;
  /** The bot's `/metrics` text, for the samples a scenario expects to move; empty when unreachable. */
  readonly metricsText: string;
}

/** One block in force, as GET /api/alerts lists it under `governor.blocks`. */
export interface ObservedBlock {
  readonly exchange: string;
  readonly symbol?: string;
  readonly level: 'throttle' | 'halt';
  /** `rate_limit`, `ban`, `clock` or `book`. */
  readonly source: string;
  readonly reason: string;
}

interface HealthBody {
  readonly ok: boolean;
  readonly checks: readonly { readonly name: string; readonly status: CheckStatus }[];
}
interface AlertsBody {
  readonly alerts: readonly { readonly rule: string; readonly state: string }[];
  readonly governor: { readonly state: string; readonly reason: string | null; readonly blocks: readonly ObservedBlock[] };
}
interface SnapshotBody {
  readonly snapshot: { readonly orders: OrderTotals };
}
interface OrdersBody {
  readonly orders: readonly { readonly done: boolean; readonly startedAt: number }[];
}

const EMPTY_TOTALS: OrderTotals = { placed: 0, partiallyFilled: 0, filled: 0, cancelled: 0, rejected: 0, expired: 0, active: 0 };

/** Reads a bot's state from its telemetry server (`/health`, `/api/*`, `/metrics`). */
export class BotObserver {
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMillis: number;

  constructor(url: string, options: { token?: string; timeoutMillis?: number } = {}) {
    this.#url = url.replace(/\/+$/, '');
    this.#headers = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
    this.#timeoutMillis = options.timeoutMillis ?? 2000;
  }

  /** One observation; an unreachable bot gives `reachable: false` rather than an error. */
  async observe(): Promise<BotObservation> {
    const at = Date.now();
    try {
      const [health, alerts, snapshot, orders, metrics] = await Promise.all([
        this.#json<HealthBody>('/health', true),
        this.#json<AlertsBody>('/api/alerts'),
        this.#json<SnapshotBody>('/api/snapshot'),
        this.#json<OrdersBody>('/api/orders?limit=500'),
        this.#text('/metrics'),
      ]);
      return {
        at,
        reachable: true,
        firing: alerts.alerts.filter((a) => a.state === 'firing').map((a) => a.rule),
        governor: alerts.governor.state,
        governorReason: alerts.governor.reason,
        blocks: alerts.governor.blocks,
        ready: health.ok,
        checks: Object.fromEntries(health.checks.map((c) => [c.name, c.status])),
        orders: snapshot.snapshot.orders,
        openOrderStarts: orders.orders.filter((o) => !o.done).map((o) => o.startedAt),
        telemetryDropped: sumSamples(metrics, 'trading_telemetry_dropped_total'),
        timedOutOrders: sumSamples(metrics, 'trading_telemetry_lifecycle_errors_total', { reason: 'timed_out' }),
        metricsText: metrics,
      };
    } catch {
      return { at, reachable: false, firing: [], governor: 'unknown', governorReason: null, blocks: [], ready: false, checks: {}, orders: EMPTY_TOTALS, openOrderStarts: [], telemetryDropped: 0, timedOutOrders: 0, metricsText: '' };
    }
  }

  async #response(path: string, anyStatus = false): Promise<Response> {
    const response = await fetch(`${this.#url}${path}`, { headers: this.#headers, signal: AbortSignal.timeout(this.#timeoutMillis) });
    if (!response.ok && !anyStatus) throw new Error(`${path} answered ${response.status}`);
    return response;
  }

  async #json<T>(path: string, anyStatus = false): Promise<T> {
    return (await (await this.#response(path, anyStatus)).json()) as T;
  }

  async #text(path: string): Promise<string> {
    return (await this.#response(path)).text();
  }
}
