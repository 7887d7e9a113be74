import { type Context, context, type Tracer } from '@opentelemetry/api';
import type { RejectReason } from '../conventions.js';
import { isNonNegativeAmount } from '../metrics/numbers.js';
import type { OrderMetrics } from '../metrics/order-metrics.js';
import type { MeasurementGuard } from '../metrics/measurement-guard.js';
import { boundedCorrelationId, contextWithCorrelationId, correlationIdOf, MAX_CORRELATION_ID_LENGTH, newCorrelationId } from './correlation-id.js';
import type { LifecycleErrors } from './lifecycle-errors.js';
import type { FillDetails, OrderIntent, OrderSummary } from './order-intent.js';
import { OrderTrace, type OrderTraceDeps } from './order-trace.js';
import { RecentOrders } from './recent-orders.js';
import { type StageReport, stageReport } from './stage-report.js';
import type { ResolvedOrderTrackerOptions } from './order-tracker-options.js';
import type { TailKeeping } from './tail-keeping.js';

/** What {@link OrderTracker} needs from the rest of the facade. */
export interface OrderTrackerDeps {
  readonly tracer: Tracer;
  readonly metrics: OrderMetrics;
  readonly errors: LifecycleErrors;
  /** Counts correlation ids over the length cap (`trading.telemetry.rejected_measurements{instrument="trading.correlation_id",reason="too_long"}`). */
  readonly guard: MeasurementGuard;
  /** Epoch milliseconds with sub-millisecond precision. */
  readonly now: () => number;
  /** Tail-kept traces (startTelemetry's pipeline and keep policy); without, an SDK span per order from its start. */
  readonly tail?: TailKeeping;
}

/** A stage reported by correlation id, e.g. from a WebSocket execution report. */
export type StageUpdate =
  | { readonly stage: 'risk_checked' | 'sent' | 'cancelled' | 'expired' }
  | { readonly stage: 'acknowledged'; readonly exchangeOrderId?: string }
  | ({ readonly stage: 'partially_filled' | 'filled' } & FillDetails)
  | { readonly stage: 'rejected'; readonly reason: RejectReason; readonly message?: string };

/**
 * A copy of `intent` the lifecycle can rely on. Later changes to the caller's object do not
 * reach the trace, and the copy is a plain literal, quick to read however the caller built
 * theirs. A quantity that is not a finite non-negative number counts as 0 (no fill ratio), a
 * price that is not a finite positive number as absent (no slippage): JS callers can pass
 * anything, and arithmetic on it must not throw.
 */
function intentSnapshot(intent: Partial<OrderIntent>, clientOrderId: string | undefined): OrderIntent {
  const { exchange, symbol, side, orderType, strategy, quantity, price } = intent;
  // Label fields are carried as given (typed callers give strings); the order metrics validate them.
  const snapshot = { exchange, symbol, side, quantity: isNonNegativeAmount(quantity) ? quantity : 0 } as { -readonly [K in keyof OrderIntent]: OrderIntent[K] };
  if (orderType !== undefined) snapshot.orderType = orderType;
  if (strategy !== undefined) snapshot.strategy = strategy;
  if (isNonNegativeAmount(price) && price > 0) snapshot.price = price;
  if (clientOrderId !== undefined) snapshot.clientOrderId = clientOrderId;
  return snapshot;
}

/**
 * The caller's client order id as a string: numeric ids (many exchanges use them) are written
 * out; anything else, or an empty string, is ignored and a UUIDv7 is generated instead.
 */
function clientOrderIdOf(intent: Partial<OrderIntent>): string | undefined {
  const id: unknown = intent.clientOrderId;
  if (typeof id === 'string' && id !== '') return id;
  if ((typeof id === 'number' && Number.isFinite(id)) || typeof id === 'bigint') return String(id);
  return undefined;
}

/**
 * Follows orders through their lifecycle: `track()` starts an {@link OrderTrace}, open
 * orders are found again by correlation id (so a fill arriving on a WebSocket callback, in
 * no particular async context, joins the right trace), lifecycles nobody finishes end after
 * a timeout, and finished orders stay briefly for the dashboard. Memory is bounded by
 * `maxOpenOrders` and `recentOrders`.
 */
export class OrderTracker {
  readonly #deps: OrderTrackerDeps;
  readonly #traceDeps: OrderTraceDeps;
  readonly #open = new Map<string, OrderTrace>();
  /** Finished orders, summarised only when read. */
  readonly #recent: RecentOrders;
  readonly #maxOpen: number;
  readonly #timeoutMillis: number;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(deps: OrderTrackerDeps, resolved: ResolvedOrderTrackerOptions) {
    this.#deps = deps;
    this.#maxOpen = resolved.maxOpenOrders;
    this.#timeoutMillis = resolved.orderTimeoutMillis;
    this.#recent = new RecentOrders(resolved.recentOrders);
    this.#traceDeps = {
      tracer: deps.tracer,
      errors: deps.errors,
      now: deps.now,
      stageSpans: resolved.stageSpans,
      onDone: (order) => this.#finished(order),
      tail: deps.tail,
    };
  }

  /**
   * Starts tracing `intent` as a child of the active context. The client order id (else a new
   * UUIDv7) becomes the correlation id. Counts the order as placed.
   */
  track(intent: OrderIntent): OrderTrace {
    // JS callers may pass anything; a non-object reads as an intent with no fields (its metrics are refused and counted).
    const given: Partial<OrderIntent> = typeof intent === 'object' && (intent as OrderIntent | null) !== null ? intent : {};
    const clientOrderId = clientOrderIdOf(given);
    if (clientOrderId !== undefined && clientOrderId.length > MAX_CORRELATION_ID_LENGTH) {
      this.#deps.guard.reject('trading.correlation_id', 'too_long', `a client order id of ${clientOrderId.length} characters is carried as its first 110 plus a hash`);
    }
    const correlationId = clientOrderId === undefined ? newCorrelationId() : boundedCorrelationId(clientOrderId);
    const snapshot = intentSnapshot(given, clientOrderId === undefined ? undefined : correlationId);
    const parent: Context = contextWithCorrelationId(correlationId, context.active());
    const order = new OrderTrace(this.#traceDeps, this.#deps.metrics.for(snapshot), snapshot, correlationId, parent);
    const alreadyOpen = this.#open.has(correlationId);
    if (alreadyOpen) {
      this.#deps.errors.count('duplicate_correlation_id', `correlation id ${correlationId} is already open; the newer order replaces it`);
    }
    if (this.#open.size >= this.#maxOpen && !alreadyOpen) {
      this.#deps.errors.count('registry_full', `${this.#maxOpen} orders open; ${correlationId} traces but cannot be found by id`);
    } else {
      this.#open.set(correlationId, order);
      this.#startSweeper();
    }
    return order;
  }

  /** The open order with `correlationId` (by default the one in the active context). */
  get(correlationId: string | undefined = correlationIdOf()): OrderTrace | undefined {
    return correlationId === undefined ? undefined : this.#open.get(boundedCorrelationId(correlationId));
  }

  /**
   * Reports a stage for the open order `correlationId`: the way to attach late events (fills
   * from a WebSocket) to the right trace. Unknown or missing ids are counted, never thrown.
   */
  update(correlationId: string | undefined, update: StageUpdate): void {
    if (correlationId === undefined || correlationId === '') {
      this.#deps.errors.count('missing_correlation_id', `a ${update.stage} update came without a correlation id`);
      return;
    }
    const order = this.#open.get(boundedCorrelationId(correlationId));
    if (order === undefined) {
      this.#deps.errors.count('unknown_order', `a ${update.stage} update for ${correlationId}, which is not open`);
      return;
    }
    switch (update.stage) {
      case 'risk_checked':
        order.riskChecked();
        break;
      case 'sent':
        order.sent();
        break;
      case 'acknowledged':
        order.acknowledged(update.exchangeOrderId === undefined ? {} : { exchangeOrderId: update.exchangeOrderId });
        break;
      case 'partially_filled':
        order.partiallyFilled(update);
        break;
      case 'filled':
        order.filled(update);
        break;
      case 'cancelled':
        order.cancelled();
        break;
      case 'rejected':
        order.rejected(update.reason, update.message);
        break;
      case 'expired':
        order.expired();
        break;
    }
  }

  /** Open orders, oldest first. */
  open(): OrderSummary[] {
    return [...this.#open.values()].map((order) => order.summary());
  }

  /** Recently finished orders, newest first. */
  recent(limit = Number.POSITIVE_INFINITY): OrderSummary[] {
    return this.#recent.newest(limit).map((order) => order.summary());
  }

  /** An open or recently finished order by correlation id. */
  find(correlationId: string): OrderSummary | undefined {
    const id = boundedCorrelationId(correlationId);
    return (this.#open.get(id) ?? this.#recent.find(id))?.summary();
  }

  /** Per-stage p50/p95/p99 across every order so far, and the dominant stage. */
  stageReport(): StageReport {
    return stageReport((stage) => this.#deps.metrics.stageDurations(stage));
  }

  /** Ends every open order older than the timeout as "timed out". Runs on its own timer. */
  sweep(): void {
    const cutoff = this.#deps.now() - this.#timeoutMillis;
    for (const order of this.#open.values()) if (order.startedAt <= cutoff) order.timeOut();
    if (this.#open.size === 0) this.#stopSweeper();
  }

  /** Stops the timeout timer (open orders stay open). */
  close(): void {
    this.#stopSweeper();
  }

  #finished(order: OrderTrace): void {
    if (this.#open.get(order.correlationId) === order) this.#open.delete(order.correlationId);
    this.#recent.add(order);
  }

  #startSweeper(): void {
    if (this.#sweeper !== undefined) return;
    this.#sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(this.#timeoutMillis / 4, 5_000)));
    this.#sweeper.unref();
  }

  #stopSweeper(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}
