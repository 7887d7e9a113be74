import { type Attributes, type Context, context, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { Attr, ORDER_STAGES, type OrderStage, type RejectReason, SpanAttr, type TerminalStatus } from '../conventions.js';
import { isNonNegativeAmount } from '../metrics/numbers.js';
import type { BoundOrderMetrics } from '../metrics/bound-order-metrics.js';
import type { LifecycleErrors } from './lifecycle-errors.js';
import type { FillDetails, OrderIntent, OrderSummary, StageRecord } from './order-intent.js';

/** `fill` when it is an object; JS callers may pass null or anything else, read as no details. */
function fillDetails(fill: FillDetails | undefined): FillDetails {
  return typeof fill === 'object' && (fill as FillDetails | null) !== null ? fill : {};
}

/** What every {@link OrderTrace} of one tracker shares. */
export interface OrderTraceDeps {
  readonly tracer: Tracer;
  readonly errors: LifecycleErrors;
  /** Epoch milliseconds with sub-millisecond precision. */
  readonly now: () => number;
  /** A child span per stage (true) or an event per stage on the lifecycle span (false). */
  readonly stageSpans: boolean;
  /** Called once when an order reaches a terminal stage. */
  readonly onDone: (order: OrderTrace) => void;
}

/** Rank of each stage in the lifecycle; terminal stages share the last rank. */
const RANK: Record<OrderStage, number> = {
  created: 0,
  risk_checked: 1,
  sent: 2,
  acknowledged: 3,
  partially_filled: 4,
  filled: 5,
  cancelled: 5,
  rejected: 5,
  expired: 5,
};

/** The name of each stage's event or span: `order.<stage>`. */
const STAGE_NAMES = Object.fromEntries(ORDER_STAGES.map((stage) => [stage, `order.${stage}`])) as Record<OrderStage, string>;

/** Ranks a stage may follow without being out of order. Cancel and reject may follow anything. */
const MAY_FOLLOW: Partial<Record<OrderStage, readonly number[]>> = {
  risk_checked: [0],
  sent: [0, 1],
  acknowledged: [2],
  partially_filled: [3, 4],
  filled: [3, 4],
  expired: [3, 4],
};

/**
 * One order's life as a trace: a lifecycle span `order.lifecycle` from creation to its
 * terminal stage. Each stage is an event `order.<stage>` on it, stamped with when it happened
 * (the time since the previous event is the stage's duration); with `stageSpans` it is instead
 * a child span covering that time, so Jaeger's waterfall draws it (about 2 µs more per stage).
 * Every stage also feeds the stage histogram, and terminal stages the order counters, fill
 * ratio and order duration.
 *
 * Methods never throw. A call that does not fit the lifecycle (finishing twice, a fill before
 * the ack) is counted in `trading.telemetry.lifecycle_errors` and, while the span is open,
 * recorded on it as an event. Out-of-order stages are still recorded: the data is real.
 */
export class OrderTrace {
  readonly correlationId: string;
  readonly intent: OrderIntent;
  #context: Context;
  readonly #deps: OrderTraceDeps;
  readonly #metrics: BoundOrderMetrics;
  #span: Span;
  readonly #startedAt: number;
  /** The stages reached, in order, and when (epoch ms): plain arrays, records are built on read. */
  readonly #stageNames: OrderStage[] = ['created'];
  readonly #stageTimes: number[];
  #stage: OrderStage = 'created';
  #lastAt: number;
  #done = false;
  #filledQuantity = 0;
  #filledNotional = 0;
  #exchangeOrderId: string | null = null;
  #rejectReason: RejectReason | null = null;
  #error: string | null = null;

  constructor(deps: OrderTraceDeps, metrics: BoundOrderMetrics, intent: OrderIntent, correlationId: string, parent: Context) {
    this.#deps = deps;
    this.#metrics = metrics;
    this.intent = intent;
    this.correlationId = correlationId;
    this.#startedAt = deps.now();
    this.#lastAt = this.#startedAt;
    this.#stageTimes = [this.#startedAt];
    const attributes: Attributes = {
      [Attr.correlationId]: correlationId,
      [Attr.exchange]: intent.exchange,
      [Attr.symbol]: intent.symbol,
      [Attr.side]: intent.side,
      [Attr.orderType]: intent.orderType ?? 'limit',
      [SpanAttr.quantity]: intent.quantity,
    };
    if (intent.price !== undefined) attributes[SpanAttr.price] = intent.price;
    if (intent.strategy !== undefined) attributes[Attr.strategy] = intent.strategy;
    this.#span = deps.tracer.startSpan('order.lifecycle', { attributes, startTime: this.#startedAt }, parent);
    this.#context = trace.setSpan(parent, this.#span);
    metrics.placed();
  }

  /** The context to run order code in: the lifecycle span active, the correlation id in baggage. */
  get context(): Context {
    return this.#context;
  }

  /** The latest stage reached. */
  get stage(): OrderStage {
    return this.#stage;
  }

  /** Whether the order reached a terminal stage. */
  get done(): boolean {
    return this.#done;
  }

  /** Epoch milliseconds when the order was created. */
  get startedAt(): number {
    return this.#startedAt;
  }

  /** Runs `fn` with this order's context active, so its spans and log lines belong to the order. */
  run<T>(fn: () => T): T {
    return context.with(this.context, fn);
  }

  /** Pre-trade risk checks passed. */
  riskChecked(): this {
    this.#advance('risk_checked', {});
    return this;
  }

  /** The order was sent to the exchange. */
  sent(): this {
    this.#advance('sent', {});
    return this;
  }

  /** The exchange acknowledged the order. */
  acknowledged(details: { readonly exchangeOrderId?: string } = {}): this {
    const attributes: Attributes = {};
    const raw: unknown = typeof details === 'object' && (details as object | null) !== null ? details.exchangeOrderId : undefined;
    // Numeric exchange order ids (common) are written out; anything else is ignored.
    const exchangeOrderId = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : undefined;
    if (exchangeOrderId !== undefined) {
      this.#exchangeOrderId = exchangeOrderId;
      attributes[SpanAttr.exchangeOrderId] = exchangeOrderId;
      this.#span.setAttribute(SpanAttr.exchangeOrderId, exchangeOrderId);
    }
    this.#advance('acknowledged', attributes);
    return this;
  }

  /** Part of the order filled; it stays open. */
  partiallyFilled(fill: FillDetails): this {
    if (this.#advance('partially_filled', this.#fill(fill))) this.#metrics.partiallyFilled();
    return this;
  }

  /** The order filled completely. `fill` describes the last fill (quantity defaults to what remained). */
  filled(fill: FillDetails = {}): this {
    const attributes = this.#fill(fill, Math.max(0, this.intent.quantity - this.#filledQuantity));
    if (this.#finish('filled', attributes)) this.#metrics.filled();
    return this;
  }

  /** The order was cancelled (by us or the exchange). */
  cancelled(): this {
    if (this.#finish('cancelled', {})) this.#metrics.cancelled();
    return this;
  }

  /** The order was rejected, by a risk check or the exchange; the lifecycle span ends with ERROR. */
  rejected(reason: RejectReason, message?: string): this {
    if (this.#finish('rejected', { [Attr.rejectReason]: reason }, message ?? reason)) {
      this.#rejectReason = reason;
      this.#metrics.rejected(reason);
    }
    return this;
  }

  /** The order expired (its time in force ran out). */
  expired(): this {
    if (this.#finish('expired', {})) this.#metrics.expired();
    return this;
  }

  /**
   * Ends a lifecycle nobody finished: status ERROR "timed out", counted as a lifecycle error,
   * and as expired in the order counters so the active-orders gauge does not leak.
   */
  timeOut(): void {
    if (this.#done) return;
    this.#deps.errors.count('timed_out', `order ${this.correlationId} never reached a terminal stage`);
    if (this.#finish('expired', {}, 'timed out')) this.#metrics.expired();
  }

  /** A JSON-safe summary for dashboards and incident records. */
  summary(): OrderSummary {
    const spanContext = this.#span.spanContext();
    const stages: StageRecord[] = this.#stageNames.map((stage, i) => {
      const at = this.#stageTimes[i] ?? this.#startedAt;
      return { stage, at, durationMs: i === 0 ? 0 : at - (this.#stageTimes[i - 1] ?? at) };
    });
    let slowest: StageRecord | undefined;
    for (const record of stages) if (record.durationMs > (slowest?.durationMs ?? 0)) slowest = record;
    return {
      correlationId: this.correlationId,
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      exchange: this.intent.exchange,
      symbol: this.intent.symbol,
      side: this.intent.side,
      quantity: this.intent.quantity,
      price: this.intent.price ?? null,
      stage: this.#stage,
      done: this.#done,
      filledQuantity: this.#filledQuantity,
      averageFillPrice: this.#filledQuantity > 0 ? this.#filledNotional / this.#filledQuantity : null,
      exchangeOrderId: this.#exchangeOrderId,
      rejectReason: this.#rejectReason,
      startedAt: this.#startedAt,
      stages,
      slowestStage: slowest?.stage ?? null,
      error: this.#error,
    };
  }

  /** Accounts for one fill: quantity, notional, trade count and slippage. Returns the stage span's attributes. */
  #fill(fill: FillDetails, quantityIfOmitted = 0): Attributes {
    const attributes: Attributes = {};
    if (this.#done) return attributes;
    // Fill details from JS callers may be anything; only finite non-negative numbers are used.
    const details = fillDetails(fill);
    const given = details.quantity ?? quantityIfOmitted;
    const quantity = isNonNegativeAmount(given) ? given : 0;
    const price = isNonNegativeAmount(details.price) ? details.price : undefined;
    if (quantity > 0) {
      this.#filledQuantity += quantity;
      attributes[SpanAttr.fillQuantity] = quantity;
      this.#metrics.trade();
    }
    if (price !== undefined) {
      attributes[SpanAttr.fillPrice] = price;
      this.#filledNotional += price * quantity;
      const expected = this.intent.price;
      if (expected !== undefined && expected > 0) {
        const sign = this.intent.side === 'buy' ? 1 : -1;
        const bps = (sign * (price - expected) * 10_000) / expected;
        attributes[SpanAttr.slippageBps] = bps;
        this.#metrics.slippage(bps);
      }
    }
    return attributes;
  }

  /** Moves to a terminal stage and ends the lifecycle span. False when the order was already done. */
  #finish(stage: TerminalStatus, attributes: Attributes, error?: string): boolean {
    if (this.#done) {
      this.#deps.errors.count('double_finish', `order ${this.correlationId} finished again as ${stage}`);
      return false;
    }
    this.#advance(stage, attributes);
    this.#done = true;
    const now = this.#lastAt;
    this.#metrics.orderDuration(stage, (now - this.#startedAt) / 1000);
    if (this.intent.quantity > 0) this.#metrics.fillRatio(Math.min(1, this.#filledQuantity / this.intent.quantity));
    this.#span.setAttribute(Attr.orderStatus, stage);
    this.#span.setAttribute(SpanAttr.filledQuantity, this.#filledQuantity);
    if (this.#filledQuantity > 0) this.#span.setAttribute(SpanAttr.averageFillPrice, this.#filledNotional / this.#filledQuantity);
    const rejectReason = attributes[Attr.rejectReason];
    if (rejectReason !== undefined) this.#span.setAttribute(Attr.rejectReason, rejectReason);
    if (error !== undefined) {
      this.#error = error;
      this.#span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    }
    this.#span.end(now);
    this.#releaseSpan();
    this.#deps.onDone(this);
    return true;
  }

  /**
   * Swaps the ended span for a stand-in with the same ids. The SDK span now belongs to the
   * export pipeline; finished orders kept for `recent()` and `find()` would otherwise hold every
   * span (attributes, events) past its export, and each young-generation collection would copy
   * hundreds of them: about 1.5 µs per traced order, measured (docs/performance.md).
   */
  #releaseSpan(): void {
    this.#span = trace.wrapSpanContext(this.#span.spanContext());
    this.#context = trace.setSpan(this.#context, this.#span);
  }

  /** Records reaching `stage`: its event (or child span) and the stage histogram. False if done. */
  #advance(stage: OrderStage, attributes: Attributes): boolean {
    if (this.#done) {
      this.#deps.errors.count('out_of_order', `order ${this.correlationId} got ${stage} after it ended as ${this.#stage}`);
      return false;
    }
    const allowed = MAY_FOLLOW[stage];
    if (allowed !== undefined && !allowed.includes(RANK[this.#stage])) {
      this.#deps.errors.count('out_of_order', `order ${this.correlationId} got ${stage} while ${this.#stage}`);
      this.#span.addEvent('trading.lifecycle.out_of_order', { [SpanAttr.previousStage]: this.#stage, [Attr.orderStage]: stage });
    }
    const now = Math.max(this.#deps.now(), this.#lastAt);
    const durationMs = now - this.#lastAt;
    if (this.#deps.stageSpans) {
      // `attributes` is this call's own object: adding to it is cheaper than copying it.
      attributes[Attr.orderStage] = stage;
      attributes[Attr.correlationId] = this.correlationId;
      this.#deps.tracer.startSpan(STAGE_NAMES[stage], { attributes, startTime: this.#lastAt }, this.context).end(now);
    } else {
      // The event's name is the stage and its timestamp says when; only the stage's details are attributes.
      this.#span.addEvent(STAGE_NAMES[stage], attributes, now);
    }
    this.#metrics.stageDuration(stage, durationMs / 1000);
    this.#stageNames.push(stage);
    this.#stageTimes.push(now);
    this.#lastAt = now;
    if (RANK[stage] >= RANK[this.#stage]) this.#stage = stage;
    return true;
  }
}
