import { type Attributes, type Context, context, type Span, type SpanContext, type SpanStatus, SpanStatusCode, TraceFlags, type Tracer, trace } from '@opentelemetry/api';
import { Attr, type OrderStage, type RejectReason, SpanAttr, type TerminalStatus } from '../conventions.js';
import { isLabelValue } from '../metrics/label-values.js';
import { isAmount, isNonNegativeAmount } from '../metrics/numbers.js';
import { redactText } from '../secrets.js';
import type { TracedOrderMetrics } from '../metrics/order-exemplars.js';
import type { DeferredSpan } from './deferred-span.js';
import type { LifecycleErrors } from './lifecycle-errors.js';
import type { FillDetails, FillFee, OrderIntent, OrderSummary, StageRecord } from './order-intent.js';
import { DETAILED_STAGE_SPANS, EVENT_LIMIT, type StageLog } from './stage-log.js';
import { STAGE_NAMES } from './stage-names.js';
import { decideOrderTrace, keepOrderTrace, openDeferredSpan, type TailKeeping } from './tail-keeping.js';
import { withTraceState } from './trace-ids.js';

function isObject<T extends object>(value: T | undefined): value is T {
  return typeof value === 'object' && (value as T | null) !== null;
}

/** `fill` when it is an object; JS callers may pass null or anything else, read as no details. */
function fillDetails(fill: FillDetails | undefined): FillDetails {
  return isObject(fill) ? fill : {};
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
  /**
   * Tail keeping (under startTelemetry): no SDK span while the order runs, the keep policy
   * decides at its end, and a kept order's spans are built then. Undefined: an SDK span from
   * the start, sampled by the tracer provider's sampler (a provider of the user's own).
   */
  readonly tail: TailKeeping | undefined;
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

/** Ranks a stage may follow without being out of order. Cancel and reject may follow anything. */
const MAY_FOLLOW: Partial<Record<OrderStage, readonly number[]>> = {
  risk_checked: [0],
  sent: [0, 1],
  acknowledged: [2],
  partially_filled: [3, 4],
  filled: [3, 4],
  expired: [3, 4],
};

/** The lifecycle span's attributes known when the order starts. */
function startAttributes(intent: OrderIntent, correlationId: string): Attributes {
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
  return attributes;
}

/**
 * One order's life as a trace: a lifecycle span `order.lifecycle` from creation to its
 * terminal stage. Each stage is an event `order.<stage>` on it, stamped with when it happened
 * (the time since the previous event is the stage's duration); with `stageSpans` it is instead
 * a child span covering that time, so Jaeger's waterfall draws it (about 2 µs more per stage).
 * Every stage also feeds the stage histogram, and terminal stages the order counters, fill
 * ratio and order duration. At its end, an order whose trace is exported links those
 * durations to its span: the exemplars `/metrics` serves in OpenMetrics (#exemplarSource decides which).
 *
 * Under startTelemetry the trace is tail-kept: while the order runs there is no SDK span, only
 * its stages in plain arrays and a non-recording span with the ids a kept span will carry (so
 * log lines and child spans have them); at its end the keep policy decides, and a kept order's
 * spans are built then, as they would have been.
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
  readonly #metrics: TracedOrderMetrics;
  #span: Span;
  /** The span in the order's context when the trace is tail-kept. */
  readonly #deferred: DeferredSpan | undefined;
  readonly #startedAt: number;
  /** The stages reached, in order, when, and with what details: plain arrays, records are built on read. */
  readonly #stages: StageLog;
  #stage: OrderStage = 'created';
  #lastAt: number;
  #done = false;
  #filledQuantity = 0;
  #filledNotional = 0;
  /** Fees per currency, created on the first fee. */
  #fees: Record<string, number> | undefined;
  #exchangeOrderId: string | null = null;
  #rejectReason: RejectReason | null = null;
  #error: string | null = null;

  constructor(deps: OrderTraceDeps, metrics: TracedOrderMetrics, intent: OrderIntent, correlationId: string, parent: Context) {
    this.#deps = deps;
    this.#metrics = metrics;
    this.intent = intent;
    this.correlationId = correlationId;
    this.#startedAt = deps.now();
    this.#lastAt = this.#startedAt;
    this.#stages = { names: ['created'], times: [this.#startedAt], details: [undefined], outOfOrder: undefined };
    if (deps.tail === undefined) {
      this.#deferred = undefined;
      this.#span = deps.tracer.startSpan('order.lifecycle', { attributes: startAttributes(intent, correlationId), startTime: this.#startedAt }, parent);
    } else {
      this.#deferred = openDeferredSpan(deps.tail, parent);
      this.#span = this.#deferred;
    }
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
    const { names, times } = this.#stages;
    const stages: StageRecord[] = names.map((stage, i) => {
      const at = times[i] ?? this.#startedAt;
      return { stage, at, durationMs: i === 0 ? 0 : at - (times[i - 1] ?? at) };
    });
    let slowest: StageRecord | undefined;
    for (const record of stages) if (record.durationMs > (slowest?.durationMs ?? 0)) slowest = record;
    return {
      correlationId: this.correlationId,
      traceId: spanContext.traceId,
      spanId: spanContext.spanId,
      traceKept: this.#traceKept(),
      exchange: this.intent.exchange,
      symbol: this.intent.symbol,
      side: this.intent.side,
      quantity: this.intent.quantity,
      price: this.intent.price ?? null,
      stage: this.#stage,
      done: this.#done,
      filledQuantity: this.#filledQuantity,
      averageFillPrice: this.#filledQuantity > 0 ? this.#filledNotional / this.#filledQuantity : null,
      fees: { ...this.#fees },
      exchangeOrderId: this.#exchangeOrderId,
      rejectReason: this.#rejectReason,
      startedAt: this.#startedAt,
      stages,
      slowestStage: slowest?.stage ?? null,
      error: this.#error,
    };
  }

  /** Accounts for one fill: quantity, notional, fee, trade count and slippage. Returns the stage span's attributes. */
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
    if (isObject(details.fee)) this.#chargeFee(details.fee, attributes);
    if (price !== undefined) {
      attributes[SpanAttr.fillPrice] = price;
      this.#filledNotional += price * quantity;
      if (quantity > 0) this.#metrics.notional(price * quantity);
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

  /** Counts a fill's fee (the metrics refuse and count a bad one) and, when usable, puts it on the span and the summary. */
  #chargeFee(fee: FillFee, attributes: Attributes): void {
    this.#metrics.fee(fee.currency, fee.cost);
    if (!isAmount(fee.cost) || !isLabelValue(fee.currency)) return;
    attributes[SpanAttr.fillFee] = fee.cost;
    attributes[SpanAttr.fillFeeAsset] = fee.currency;
    // No prototype: a currency named like an Object.prototype member is just a key.
    const fees = (this.#fees ??= Object.create(null) as Record<string, number>);
    fees[fee.currency] = (fees[fee.currency] ?? 0) + fee.cost;
  }

  /** Moves to a terminal stage and ends the trace. False when the order was already done. */
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
    // Reject messages come from exchanges and may quote the signed request.
    if (error !== undefined) this.#error = redactText(error);
    const status: SpanStatus = this.#error === null ? { code: SpanStatusCode.UNSET } : { code: SpanStatusCode.ERROR, message: this.#error };
    if (this.#deferred === undefined) this.#endSpan(this.#endAttributes(stage, attributes, {}), status, now);
    else this.#settleTrace(this.#deferred, stage, attributes, status, now);
    this.#leaveExemplars(stage, now);
    this.#deps.onDone(this);
    return true;
  }

  /**
   * The lifecycle span's attributes set at its end, added to `into`: status, filled quantity,
   * average price, and the reject reason from the terminal stage's own `attributes`.
   */
  #endAttributes(stage: TerminalStatus, attributes: Attributes, into: Attributes): Attributes {
    into[Attr.orderStatus] = stage;
    into[SpanAttr.filledQuantity] = this.#filledQuantity;
    if (this.#filledQuantity > 0) into[SpanAttr.averageFillPrice] = this.#filledNotional / this.#filledQuantity;
    const rejectReason = attributes[Attr.rejectReason];
    if (rejectReason !== undefined) into[Attr.rejectReason] = rejectReason;
    return into;
  }

  /** Ends the SDK span (a tracer provider's own): its end attributes and status, then lets go of it. */
  #endSpan(endAttributes: Attributes, status: SpanStatus, now: number): void {
    this.#span.setAttributes(endAttributes);
    if (status.code === SpanStatusCode.ERROR) this.#span.setStatus(status);
    this.#span.end(now);
    this.#releaseSpan();
  }

  /** Decides a tail-kept trace, and builds and exports the spans of a kept one. */
  #settleTrace(deferred: DeferredSpan, stage: TerminalStatus, finishAttributes: Attributes, status: SpanStatus, now: number): void {
    const tail = this.#deps.tail as TailKeeping;
    const eventful = stage === 'rejected' || stage === 'expired' || this.#error !== null || this.#stages.outOfOrder !== undefined;
    if (!decideOrderTrace(tail, deferred, this.#stages, eventful, now)) return;
    const attributes = startAttributes(this.intent, this.correlationId);
    if (this.#exchangeOrderId !== null) attributes[SpanAttr.exchangeOrderId] = this.#exchangeOrderId;
    this.#endAttributes(stage, finishAttributes, attributes);
    attributes[SpanAttr.keptBy] = deferred.reason;
    const parentOfChildren = deferred.spanContext();
    keepOrderTrace(tail, deferred, {
      spanContext: withTraceState(parentOfChildren, deferred.traceState),
      parentOfChildren,
      parentSpanContext: deferred.parentSpanContext,
      correlationId: this.correlationId,
      stages: this.#stages,
      attributes,
      status,
      stageSpans: this.#deps.stageSpans,
    });
  }

  /** Whether the order's trace is (or will be) exported: a sampled SDK span, or a kept tail-kept one. */
  #traceKept(): boolean {
    if (this.#deferred !== undefined) return this.#deferred.state === 'kept';
    return (this.#span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
  }

  /**
   * The one decision of which orders give exemplars: the span context their durations link
   * to, or undefined for none. Only orders whose trace is exported, so every link finds its
   * trace: sampled SDK spans, or tail-kept orders the keep policy kept. Asked once, at the
   * order's end, after the keep decision.
   */
  #exemplarSource(): SpanContext | undefined {
    return this.#traceKept() ? this.#span.spanContext() : undefined;
  }

  /** Links the order's duration and each stage's duration to its span, if #exemplarSource says so. */
  #leaveExemplars(status: TerminalStatus, at: number): void {
    const source = this.#exemplarSource();
    if (source === undefined) return;
    this.#metrics.orderDurationExemplar(status, (at - this.#startedAt) / 1000, source, at);
    // The stage durations exactly as #advance recorded them: the time since the stage before.
    const { names, times } = this.#stages;
    for (let i = 1; i < names.length; i++) {
      const seconds = ((times[i] as number) - (times[i - 1] as number)) / 1000;
      this.#metrics.stageDurationExemplar(names[i] as OrderStage, seconds, source, at);
    }
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
    const now = Math.max(this.#deps.now(), this.#lastAt);
    const log = this.#stages;
    const allowed = MAY_FOLLOW[stage];
    if (allowed !== undefined && !allowed.includes(RANK[this.#stage])) {
      this.#deps.errors.count('out_of_order', `order ${this.correlationId} got ${stage} while ${this.#stage}`);
      (log.outOfOrder ??= []).push({ index: log.names.length, previous: this.#stage });
      this.#span.addEvent('trading.lifecycle.out_of_order', { [SpanAttr.previousStage]: this.#stage, [Attr.orderStage]: stage }, now);
    }
    if (this.#deferred === undefined) this.#traceStage(stage, attributes, now);
    this.#metrics.stageDuration(stage, (now - this.#lastAt) / 1000);
    log.names.push(stage);
    log.times.push(now);
    if (this.#deferred !== undefined) this.#keepDetails(attributes);
    this.#lastAt = now;
    if (RANK[stage] >= RANK[this.#stage]) this.#stage = stage;
    return true;
  }

  /**
   * Keeps a stage's details for the span a kept order gets at its end (the SDK span holds them on
   * the other path). Bounded, however many partial fills an order has: that span carries its last
   * {@link EVENT_LIMIT} stage events, so older details are let go; with `stageSpans`, the last
   * {@link DETAILED_STAGE_SPANS}.
   */
  #keepDetails(attributes: Attributes): void {
    const details = this.#stages.details;
    details.push(attributes);
    const old = details.length - 1 - (this.#deps.stageSpans ? DETAILED_STAGE_SPANS : EVENT_LIMIT);
    if (old >= 1) details[old] = undefined;
  }

  /** The stage on the SDK span: an event, or with `stageSpans` a child span since the stage before. */
  #traceStage(stage: OrderStage, attributes: Attributes, now: number): void {
    if (this.#deps.stageSpans) {
      // `attributes` is this call's own object: adding to it is cheaper than copying it.
      attributes[Attr.orderStage] = stage;
      attributes[Attr.correlationId] = this.correlationId;
      this.#deps.tracer.startSpan(STAGE_NAMES[stage], { attributes, startTime: this.#lastAt }, this.context).end(now);
    } else {
      // The event's name is the stage and its timestamp says when; only the stage's details are attributes.
      this.#span.addEvent(STAGE_NAMES[stage], attributes, now);
    }
  }
}
