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
  type SlippageDirection,
  type TerminalStatus,
} from '../conventions.js';
import { pickAttributes } from './attribute-sets.js';
import type { Distribution } from './distribution.js';
import { type FamilyContext, HistogramFamily, type HistogramSeries, ValueFamily, type ValueSeries } from './instrument-families.js';
import type { MeasurementGuard } from './measurement-guard.js';
import { describeValue } from './describe-value.js';
import { isAmount, isCount, isNonNegativeAmount, numberProblem } from './numbers.js';
import { type KeyProblem, type OrderKey, orderKeyAttributes, orderKeyProblem, orderKeyString } from './order-key.js';
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
  /**
   * This stream's own totals. Exported series can be shared once an instrument overflows,
   * so in-process totals never read them back.
   */
  readonly counts = { placed: 0, partiallyFilled: 0, filled: 0, cancelled: 0, expired: 0, rejected: 0 };
  readonly #status: Readonly<Record<CountedStatus, ValueSeries>>;
  readonly #rejectedByReason: (ValueSeries | undefined)[] = [];
  readonly #stageSeries: (HistogramSeries | undefined)[] = [];
  readonly #durationSeries: (HistogramSeries | undefined)[] = [];
  readonly #trades: ValueSeries;
  readonly #adverseSlippage: HistogramSeries;
  readonly #favorableSlippage: HistogramSeries;
  readonly #fillRatio: HistogramSeries;
  readonly #families: OrderFamilies;
  readonly #base: Attributes;

  constructor(families: OrderFamilies, base: Attributes) {
    this.#families = families;
    this.#base = base;
    const streamKeys = [Attr.exchange, Attr.symbol, Attr.side, Attr.orderType, Attr.strategy];
    const status = (s: CountedStatus): ValueSeries => derived(families.orders, base, streamKeys, { [Attr.orderStatus]: s });
    this.#status = {
      placed: status('placed'),
      partially_filled: status('partially_filled'),
      filled: status('filled'),
      cancelled: status('cancelled'),
      expired: status('expired'),
    };
    this.#trades = derived(families.trades, base, [Attr.exchange, Attr.symbol, Attr.side, Attr.strategy]);
    const market = [Attr.exchange, Attr.symbol, Attr.side];
    this.#adverseSlippage = derived(families.slippage, base, market, { [Attr.slippageDirection]: 'adverse' });
    this.#favorableSlippage = derived(families.slippage, base, market, { [Attr.slippageDirection]: 'favorable' });
    this.#fillRatio = derived(families.fillRatio, base, [Attr.exchange, Attr.symbol]);
  }

  /** The labels this stream's active-orders gauge carries. */
  get attributes(): Attributes {
    return this.#base;
  }

  /** Adds a valid `count` to `series` and returns it (0 for a refused count, which is counted). */
  #count(series: ValueSeries, count: number, instrument: string): number {
    if (isCount(count)) {
      series.value += count;
      return count;
    }
    this.#families.guard.reject(instrument, numberProblem(count), `count ${describeValue(count)}`);
    return 0;
  }

  placed(count = 1): void {
    this.counts.placed += this.#count(this.#status.placed, count, Instruments.orders.name);
  }

  partiallyFilled(count = 1): void {
    this.counts.partiallyFilled += this.#count(this.#status.partially_filled, count, Instruments.orders.name);
  }

  filled(count = 1): void {
    this.counts.filled += this.#count(this.#status.filled, count, Instruments.orders.name);
  }

  cancelled(count = 1): void {
    this.counts.cancelled += this.#count(this.#status.cancelled, count, Instruments.orders.name);
  }

  expired(count = 1): void {
    this.counts.expired += this.#count(this.#status.expired, count, Instruments.orders.name);
  }

  rejected(reason: RejectReason, count = 1): void {
    const index = REJECT_REASONS.indexOf(reason);
    if (index < 0) {
      this.#families.guard.reject(Instruments.orders.name, 'invalid_enum', `reject reason ${describeValue(reason)}`);
      return;
    }
    if (!isCount(count)) {
      this.#families.guard.reject(Instruments.orders.name, numberProblem(count), `count ${describeValue(count)}`);
      return;
    }
    const series = (this.#rejectedByReason[index] ??= derived(
      this.#families.orders,
      this.#base,
      [Attr.exchange, Attr.symbol, Attr.side, Attr.orderType, Attr.strategy],
      { [Attr.orderStatus]: 'rejected', [Attr.rejectReason]: reason },
    ));
    series.value += count;
    this.counts.rejected += count;
  }

  trade(count = 1): void {
    this.#count(this.#trades, count, Instruments.trades.name);
  }

  slippage(bps: number): void {
    if (isAmount(bps)) {
      if (bps >= 0) this.#families.slippage.record(this.#adverseSlippage, bps);
      else this.#families.slippage.record(this.#favorableSlippage, -bps);
    } else this.#families.guard.reject(Instruments.slippage.name, numberProblem(bps), `slippage ${describeValue(bps)}`);
  }

  fillRatio(ratio: number): void {
    if (isNonNegativeAmount(ratio) && ratio <= 1) this.#families.fillRatio.record(this.#fillRatio, ratio);
    else this.#families.guard.reject(Instruments.fillRatio.name, numberProblem(ratio), `ratio ${describeValue(ratio)}`);
  }

  stageDuration(stage: OrderStage, seconds: number): void {
    const index = ORDER_STAGES.indexOf(stage);
    if (index < 0) {
      this.#families.guard.reject(Instruments.stageDuration.name, 'invalid_enum', `stage ${describeValue(stage)}`);
    } else if (!isNonNegativeAmount(seconds)) {
      this.#families.guard.reject(Instruments.stageDuration.name, numberProblem(seconds), `seconds ${describeValue(seconds)}`);
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
      this.#families.guard.reject(Instruments.orderDuration.name, 'invalid_enum', `status ${describeValue(status)}`);
    } else if (!isNonNegativeAmount(seconds)) {
      this.#families.guard.reject(Instruments.orderDuration.name, numberProblem(seconds), `seconds ${describeValue(seconds)}`);
    } else {
      const series = (this.#durationSeries[index] ??= derived(this.#families.orderDuration, this.#base, [Attr.exchange], {
        [Attr.orderStatus]: status,
      }));
      this.#families.orderDuration.record(series, seconds);
    }
  }

  active(): number {
    const c = this.counts;
    return Math.max(0, c.placed - c.filled - c.cancelled - c.expired - c.rejected);
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
    const streamKey = orderKeyString(key);
    const known = streamKey === undefined ? undefined : this.#streams.find(streamKey);
    if (known !== undefined) return known;
    const problem = orderKeyProblem(key);
    if (problem !== undefined || streamKey === undefined) {
      return new RefusedOrderStream(this.#families.guard, problem ?? { reason: 'invalid_label', detail: 'order key fields must be strings' });
    }
    return this.#streams.get(streamKey, () => new OrderStream(this.#families, Object.freeze(orderKeyAttributes(key))));
  }

  /** Totals across every stream. */
  totals(): OrderTotals {
    const totals = { placed: 0, partiallyFilled: 0, filled: 0, cancelled: 0, expired: 0, rejected: 0, active: 0 };
    for (const stream of this.#streams.values()) {
      const c = stream.counts;
      totals.placed += c.placed;
      totals.partiallyFilled += c.partiallyFilled;
      totals.filled += c.filled;
      totals.cancelled += c.cancelled;
      totals.expired += c.expired;
      totals.rejected += c.rejected;
      totals.active += stream.active();
    }
    return totals;
  }

  /** Order durations (creation to terminal status) across every exchange and status. */
  orderDurations(): Distribution {
    return this.#families.orderDuration.merged();
  }

  /** Stage durations of one stage across exchanges. */
  stageDurations(stage: OrderStage): Distribution {
    return this.#families.stageDuration.merged((attributes) => attributes[Attr.orderStage] === stage);
  }

  /** Slippage magnitudes in basis points across every market, for one direction. */
  slippage(direction: SlippageDirection): Distribution {
    return this.#families.slippage.merged((attributes) => attributes[Attr.slippageDirection] === direction);
  }
}
