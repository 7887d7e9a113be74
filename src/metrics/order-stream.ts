import type { Attributes, SpanContext } from '@opentelemetry/api';
import {
  Attr,
  FILL_RATIO_BUCKETS,
  Instruments,
  LATENCY_BUCKETS_SECONDS,
  ORDER_STAGES,
  REJECT_REASONS,
  SLIPPAGE_BUCKETS_BPS,
  TERMINAL_STATUSES,
  type OrderStage,
  type OrderStatus,
  type RejectReason,
  type TerminalStatus,
} from '../conventions.js';
import { pickAttributes } from './attribute-sets.js';
import { describeValue } from './describe-value.js';
import { type FamilyContext, HistogramFamily, type HistogramSeries, ValueFamily, type ValueSeries } from './instrument-families.js';
import type { MeasurementGuard } from './measurement-guard.js';
import { isLabelValue } from './label-values.js';
import { isAmount, isCount, isNonNegativeAmount, numberProblem } from './numbers.js';
import type { TracedOrderMetrics } from './order-exemplars.js';

type CountedStatus = Exclude<OrderStatus, 'rejected'>;

/** Fee assets one stream keeps its series for. */
const MAX_CACHED_FEE_ASSETS = 8;

/** The instruments every order stream shares. */
export class OrderFamilies {
  readonly orders: ValueFamily;
  readonly trades: ValueFamily;
  readonly slippage: HistogramFamily;
  readonly fillRatio: HistogramFamily;
  readonly stageDuration: HistogramFamily;
  readonly orderDuration: HistogramFamily;
  readonly notional: ValueFamily;
  readonly fees: ValueFamily;
  readonly feeRebates: ValueFamily;

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
    this.notional = new ValueFamily(ctx, Instruments.notional);
    this.fees = new ValueFamily(ctx, Instruments.fees);
    this.feeRebates = new ValueFamily(ctx, Instruments.feeRebates);
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
export class OrderStream implements TracedOrderMetrics {
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
  readonly #notional: ValueSeries;
  /** Fee and rebate series by fee asset, created on the asset's first fee. */
  readonly #fees = new Map<string, { readonly paid: ValueSeries; readonly rebated: ValueSeries }>();
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
    this.#notional = derived(families.notional, base, [Attr.exchange, Attr.symbol, Attr.side, Attr.strategy]);
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

  notional(amount: number): void {
    if (isNonNegativeAmount(amount)) this.#notional.value += amount;
    else this.#families.guard.reject(Instruments.notional.name, numberProblem(amount), `notional ${describeValue(amount)}`);
  }

  fee(asset: string, cost: number): void {
    if (!isAmount(cost)) {
      this.#families.guard.reject(Instruments.fees.name, numberProblem(cost), `fee ${describeValue(cost)}`);
      return;
    }
    const series = this.#feeSeries(asset);
    if (series === undefined) return;
    if (cost >= 0) series.paid.value += cost;
    else series.rebated.value -= cost;
  }

  #feeSeries(asset: string): { readonly paid: ValueSeries; readonly rebated: ValueSeries } | undefined {
    const known = this.#fees.get(asset);
    if (known !== undefined) return known;
    if (!isLabelValue(asset)) {
      this.#families.guard.reject(Instruments.fees.name, 'invalid_label', `fee asset ${describeValue(asset)}`);
      return undefined;
    }
    const extra = { [Attr.asset]: asset };
    const created = {
      paid: derived(this.#families.fees, this.#base, [Attr.exchange], extra),
      rebated: derived(this.#families.feeRebates, this.#base, [Attr.exchange], extra),
    };
    // A stream pays fees in one or two assets; a caller cycling through more still gets its
    // series (the registry bounds those), just not cached here.
    if (this.#fees.size < MAX_CACHED_FEE_ASSETS) this.#fees.set(asset, created);
    return created;
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

  orderDurationExemplar(status: TerminalStatus, seconds: number, trace: SpanContext, timeMillis: number): void {
    // The series exists once the duration was recorded; a refused duration left none, and no exemplar.
    const series = this.#durationSeries[TERMINAL_STATUSES.indexOf(status)];
    if (series !== undefined) this.#families.orderDuration.exemplar(series, seconds, trace, timeMillis);
  }

  stageDurationExemplar(stage: OrderStage, seconds: number, trace: SpanContext, timeMillis: number): void {
    const series = this.#stageSeries[ORDER_STAGES.indexOf(stage)];
    if (series !== undefined) this.#families.stageDuration.exemplar(series, seconds, trace, timeMillis);
  }

  active(): number {
    const c = this.counts;
    return Math.max(0, c.placed - c.filled - c.cancelled - c.expired - c.rejected);
  }
}
