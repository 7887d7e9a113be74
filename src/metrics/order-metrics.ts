import type { Attributes } from '@opentelemetry/api';
import {
  Attr,
  FILL_RATIO_BUCKETS,
  Instruments,
  LATENCY_BUCKETS_SECONDS,
  ORDER_STAGES,
  OVERFLOW_ATTRIBUTE,
  REJECT_REASONS,
  SLIPPAGE_BUCKETS_BPS,
  TERMINAL_STATUSES,
  type OrderStage,
  type OrderStatus,
  type RejectReason,
  type TerminalStatus,
} from '../conventions.js';
import { pickAttributes } from './attribute-sets.js';
import type { Distribution } from './distribution.js';
import { type FamilyContext, HistogramFamily, type HistogramSeries, ValueFamily, type ValueSeries } from './instrument-families.js';
import type { MeasurementGuard } from './measurement-guard.js';
import { isFiniteNumber, isNonNegative, nonNegativeProblem } from './numbers.js';
import { isObject, type KeyProblem, type OrderKey, orderKeyAttributes, orderKeyProblem, orderKeyString } from './order-key.js';
import { SeriesRegistry } from './series-registry.js';

/**
 * Order metrics with their labels resolved once. Every method is safe on the trading hot
 * path: it checks its number, records into plain numbers, and never throws. A refused value
 * is counted in `trading.telemetry.rejected_measurements` and goes nowhere else.
 */
export interface BoundOrderMetrics {
  /** An order was submitted (including ones a risk check will reject). `count` defaults to 1. */
  placed(count?: number): void;
  /** A partial fill arrived; the order stays active. */
  partiallyFilled(count?: number): void;
  /** The order filled completely. */
  filled(count?: number): void;
  /** The order was cancelled. */
  cancelled(count?: number): void;
  /** The order expired (its time in force ran out). */
  expired(count?: number): void;
  /** The order was rejected, by a risk check or by the exchange. */
  rejected(reason: RejectReason, count?: number): void;
  /** Executions received (full or partial fills). */
  trade(count?: number): void;
  /** Slippage of a fill in basis points, signed; positive is worse than expected. */
  slippage(bps: number): void;
  /** Filled quantity over ordered quantity when the order ended, from 0 to 1. */
  fillRatio(ratio: number): void;
  /** Seconds from the previous lifecycle stage to `stage`. */
  stageDuration(stage: OrderStage, seconds: number): void;
  /** Seconds from creation to the terminal `status`. */
  orderDuration(status: TerminalStatus, seconds: number): void;
}

/** Order totals across every order stream, as the snapshot reports them. */
export interface OrderTotals {
  readonly placed: number;
  readonly partiallyFilled: number;
  readonly filled: number;
  readonly cancelled: number;
  readonly rejected: number;
  readonly expired: number;
  /** placed − (filled + cancelled + rejected + expired), never below 0. */
  readonly active: number;
}

type CountedStatus = Exclude<OrderStatus, 'rejected'>;

/** The instruments every order stream shares. */
class OrderFamilies {
  readonly orders: ValueFamily;
  readonly trades: ValueFamily;
  readonly slippage: HistogramFamily;
  readonly fillRatio: HistogramFamily;
  readonly stageDuration: HistogramFamily;
  readonly orderDuration: HistogramFamily;

  constructor(
    ctx: FamilyContext,
    readonly guard: MeasurementGuard,
  ) {
    this.orders = new ValueFamily(ctx, Instruments.orders);
    this.trades = new ValueFamily(ctx, Instruments.trades);
    this.slippage = new HistogramFamily(ctx, Instruments.slippage, SLIPPAGE_BUCKETS_BPS);
    this.fillRatio = new HistogramFamily(ctx, Instruments.fillRatio, FILL_RATIO_BUCKETS);
    this.stageDuration = new HistogramFamily(ctx, Instruments.stageDuration, LATENCY_BUCKETS_SECONDS);
    this.orderDuration = new HistogramFamily(ctx, Instruments.orderDuration, LATENCY_BUCKETS_SECONDS);
  }
}

function derived<S>(
  family: { series(key: string, attributes: () => Attributes): S },
  base: Attributes,
  keys: readonly string[],
  extra: Attributes = {},
): S {
  const { key, attributes } = pickAttributes(base, keys);
  return family.series(`${key}\u001f${Object.values(extra).join('\u001f')}`, () => ({ ...attributes, ...extra }));
}

/** The series of one order stream, resolved when the stream is first bound. */
class OrderStream implements BoundOrderMetrics {
  readonly status: Readonly<Record<CountedStatus, ValueSeries>>;
  rejectedTotal = 0;
  readonly #rejectedByReason: (ValueSeries | undefined)[] = [];
  readonly #stageSeries: (HistogramSeries | undefined)[] = [];
  readonly #durationSeries: (HistogramSeries | undefined)[] = [];
  readonly #trades: ValueSeries;
  readonly #slippage: HistogramSeries;
  readonly #fillRatio: HistogramSeries;
  readonly #families: OrderFamilies;
  readonly #base: Attributes;

  constructor(families: OrderFamilies, base: Attributes) {
    this.#families = families;
    this.#base = base;
    const streamKeys = [Attr.exchange, Attr.symbol, Attr.side, Attr.orderType, Attr.strategy];
    const status = (s: CountedStatus): ValueSeries => derived(families.orders, base, streamKeys, { [Attr.orderStatus]: s });
    this.status = {
      placed: status('placed'),
      partially_filled: status('partially_filled'),
      filled: status('filled'),
      cancelled: status('cancelled'),
      expired: status('expired'),
    };
    this.#trades = derived(families.trades, base, [Attr.exchange, Attr.symbol, Attr.side, Attr.strategy]);
    this.#slippage = derived(families.slippage, base, [Attr.exchange, Attr.symbol, Attr.side]);
    this.#fillRatio = derived(families.fillRatio, base, [Attr.exchange, Attr.symbol]);
  }

  /** The labels this stream's active-orders gauge carries. */
  get attributes(): Attributes {
    return this.#base;
  }

  #count(series: ValueSeries, count: number, instrument: string): void {
    if (isNonNegative(count)) series.value += count;
    else this.#families.guard.reject(instrument, nonNegativeProblem(count), `count ${String(count)}`);
  }

  placed(count = 1): void {
    this.#count(this.status.placed, count, Instruments.orders.name);
  }

  partiallyFilled(count = 1): void {
    this.#count(this.status.partially_filled, count, Instruments.orders.name);
  }

  filled(count = 1): void {
    this.#count(this.status.filled, count, Instruments.orders.name);
  }

  cancelled(count = 1): void {
    this.#count(this.status.cancelled, count, Instruments.orders.name);
  }

  expired(count = 1): void {
    this.#count(this.status.expired, count, Instruments.orders.name);
  }

  rejected(reason: RejectReason, count = 1): void {
    const index = REJECT_REASONS.indexOf(reason);
    if (index < 0) {
      this.#families.guard.reject(Instruments.orders.name, 'invalid_enum', `reject reason ${JSON.stringify(reason)}`);
      return;
    }
    if (!isNonNegative(count)) {
      this.#families.guard.reject(Instruments.orders.name, nonNegativeProblem(count), `count ${String(count)}`);
      return;
    }
    const series = (this.#rejectedByReason[index] ??= derived(
      this.#families.orders,
      this.#base,
      [Attr.exchange, Attr.symbol, Attr.side, Attr.orderType, Attr.strategy],
      { [Attr.orderStatus]: 'rejected', [Attr.rejectReason]: reason },
    ));
    series.value += count;
    this.rejectedTotal += count;
  }

  trade(count = 1): void {
    this.#count(this.#trades, count, Instruments.trades.name);
  }

  slippage(bps: number): void {
    if (isFiniteNumber(bps)) this.#families.slippage.record(this.#slippage, bps);
    else this.#families.guard.reject(Instruments.slippage.name, 'non_finite', `slippage ${String(bps)}`);
  }

  fillRatio(ratio: number): void {
    if (isNonNegative(ratio) && ratio <= 1) {
      this.#families.fillRatio.record(this.#fillRatio, ratio);
      return;
    }
    const reason = isFiniteNumber(ratio) && ratio > 1 ? 'out_of_range' : nonNegativeProblem(ratio);
    this.#families.guard.reject(Instruments.fillRatio.name, reason, `ratio ${String(ratio)}`);
  }

  stageDuration(stage: OrderStage, seconds: number): void {
    const index = ORDER_STAGES.indexOf(stage);
    if (index < 0) {
      this.#families.guard.reject(Instruments.stageDuration.name, 'invalid_enum', `stage ${JSON.stringify(stage)}`);
    } else if (!isNonNegative(seconds)) {
      this.#families.guard.reject(Instruments.stageDuration.name, nonNegativeProblem(seconds), `seconds ${String(seconds)}`);
    } else {
      const series = (this.#stageSeries[index] ??= derived(this.#families.stageDuration, this.#base, [Attr.exchange], {
        [Attr.orderStage]: stage,
      }));
      this.#families.stageDuration.record(series, seconds);
    }
  }

  orderDuration(status: TerminalStatus, seconds: number): void {
    const index = TERMINAL_STATUSES.indexOf(status);
    if (index < 0) {
      this.#families.guard.reject(Instruments.orderDuration.name, 'invalid_enum', `status ${JSON.stringify(status)}`);
    } else if (!isNonNegative(seconds)) {
      this.#families.guard.reject(Instruments.orderDuration.name, nonNegativeProblem(seconds), `seconds ${String(seconds)}`);
    } else {
      const series = (this.#durationSeries[index] ??= derived(this.#families.orderDuration, this.#base, [Attr.exchange], {
        [Attr.orderStatus]: status,
      }));
      this.#families.orderDuration.record(series, seconds);
    }
  }

  active(): number {
    const s = this.status;
    return Math.max(0, s.placed.value - s.filled.value - s.cancelled.value - s.expired.value - this.rejectedTotal);
  }
}

/** Handle for an order key that cannot label a series: every call is counted as refused. */
class RefusedOrderStream implements BoundOrderMetrics {
  constructor(
    readonly guard: MeasurementGuard,
    readonly problem: KeyProblem,
  ) {}

  #refuse(instrument: string): void {
    this.guard.reject(instrument, this.problem.reason, this.problem.detail);
  }

  placed(): void {
    this.#refuse(Instruments.orders.name);
  }
  partiallyFilled(): void {
    this.#refuse(Instruments.orders.name);
  }
  filled(): void {
    this.#refuse(Instruments.orders.name);
  }
  cancelled(): void {
    this.#refuse(Instruments.orders.name);
  }
  expired(): void {
    this.#refuse(Instruments.orders.name);
  }
  rejected(): void {
    this.#refuse(Instruments.orders.name);
  }
  trade(): void {
    this.#refuse(Instruments.trades.name);
  }
  slippage(): void {
    this.#refuse(Instruments.slippage.name);
  }
  fillRatio(): void {
    this.#refuse(Instruments.fillRatio.name);
  }
  stageDuration(): void {
    this.#refuse(Instruments.stageDuration.name);
  }
  orderDuration(): void {
    this.#refuse(Instruments.orderDuration.name);
  }
}

/**
 * Order counters and latency histograms, per order stream. Bind once with
 * {@link OrderMetrics.for} and keep the handle; calling `for()` per order also works and
 * costs one map lookup.
 */
export class OrderMetrics {
  readonly #families: OrderFamilies;
  readonly #streams: SeriesRegistry<OrderStream>;

  constructor(ctx: FamilyContext) {
    const families = new OrderFamilies(ctx, ctx.guard);
    this.#families = families;
    this.#streams = new SeriesRegistry(
      Instruments.activeOrders.name,
      ctx.cardinalityLimit,
      ctx.guard,
      () => new OrderStream(families, { [OVERFLOW_ATTRIBUTE]: true }),
    );
    ctx.meter
      .createObservableGauge(Instruments.activeOrders.name, {
        unit: Instruments.activeOrders.unit,
        description: Instruments.activeOrders.description,
      })
      .addCallback((result) => {
        for (const stream of this.#streams.values()) result.observe(stream.active(), stream.attributes);
      });
  }

  /** Resolves the labels of `key` once; the returned handle only records. */
  for(key: OrderKey): BoundOrderMetrics {
    const streamKey = isObject(key) ? orderKeyString(key) : '';
    const known = this.#streams.find(streamKey);
    if (known !== undefined) return known;
    const problem = orderKeyProblem(key);
    if (problem !== undefined) return new RefusedOrderStream(this.#families.guard, problem);
    return this.#streams.get(streamKey, () => new OrderStream(this.#families, Object.freeze(orderKeyAttributes(key))));
  }

  /** Totals across every stream. */
  totals(): OrderTotals {
    let placed = 0;
    let partiallyFilled = 0;
    let filled = 0;
    let cancelled = 0;
    let rejected = 0;
    let expired = 0;
    let active = 0;
    for (const stream of this.#streams.values()) {
      placed += stream.status.placed.value;
      partiallyFilled += stream.status.partially_filled.value;
      filled += stream.status.filled.value;
      cancelled += stream.status.cancelled.value;
      expired += stream.status.expired.value;
      rejected += stream.rejectedTotal;
      active += stream.active();
    }
    return { placed, partiallyFilled, filled, cancelled, rejected, expired, active };
  }

  /** Order durations (creation to terminal status) across every exchange and status. */
  orderDurations(): Distribution {
    return this.#families.orderDuration.merged();
  }

  /** Stage durations of one stage across exchanges. */
  stageDurations(stage: OrderStage): Distribution {
    return this.#families.stageDuration.merged((attributes) => attributes[Attr.orderStage] === stage);
  }

  /** Slippage across every market, in basis points. */
  slippage(): Distribution {
    return this.#families.slippage.merged();
  }
}
