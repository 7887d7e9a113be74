import type { Attributes } from '@opentelemetry/api';
import { Attr, Instruments } from '../conventions.js';
import { type FamilyContext, ValueFamily, type ValueSeries } from './instrument-families.js';
import { isLabelValue } from './label-values.js';
import type { MeasurementGuard } from './measurement-guard.js';
import { describeValue } from './describe-value.js';
import { isAmount, numberProblem } from './numbers.js';
import { observeInstrument } from './observable.js';

/** A position as the snapshot reports it. */
export interface PositionView {
  readonly exchange: string;
  readonly symbol: string;
  /** Signed size in base-asset units; negative is short. */
  readonly size: number;
}

/** A balance as the snapshot reports it. */
export interface BalanceView {
  readonly exchange: string;
  readonly asset: string;
  /** Signed amount in units of the asset. */
  readonly amount: number;
}

/** P&L in the quote currency, summed over strategies. */
export interface PnlView {
  /** Realized P&L before fees (gross). */
  readonly realized: number;
  /** Fees charged against it (rebates lower it). */
  readonly fees: number;
  /** realized − fees. */
  readonly realizedNet: number;
  readonly unrealized: number;
  /** realizedNet + unrealized: what the loss limit and drawdown judge. */
  readonly total: number;
  /** Funding received (positive) or paid on perpetuals since start; not part of `total` (see docs/metrics.md). */
  readonly funding: number;
}

/** A gauge series bound once; `set` records its new value. */
export interface BoundGauge {
  set(value: number): void;
}

/** P&L of one strategy, or of the whole account when `strategy` is omitted. Each field is the latest total, not an increment. */
export interface PnlUpdate {
  /** Realized P&L before fees. */
  readonly realized?: number;
  readonly unrealized?: number;
  /** Fees paid so far, in the quote currency; realized net of fees is `realized − fees`. */
  readonly fees?: number;
  readonly strategy?: string;
}

function sum(family: ValueFamily): number {
  let total = 0;
  for (const s of family.all()) total += s.value;
  return total;
}

/**
 * Positions, balances and P&L: signed gauges that hold the last value set. Values are
 * plain signed floats (no offsets, no cents); a non-finite value is refused and counted.
 */
export class PortfolioMetrics {
  readonly #positions: ValueFamily;
  readonly #balances: ValueFamily;
  readonly #realized: ValueFamily;
  readonly #unrealized: ValueFamily;
  readonly #fees: ValueFamily;
  readonly #realizedNet: ValueFamily;
  readonly #funding: ValueFamily;
  readonly #guard: MeasurementGuard;

  constructor(ctx: FamilyContext) {
    this.#guard = ctx.guard;
    this.#positions = new ValueFamily(ctx, Instruments.positionSize);
    this.#balances = new ValueFamily(ctx, Instruments.balance);
    this.#realized = new ValueFamily(ctx, Instruments.realizedPnl);
    this.#unrealized = new ValueFamily(ctx, Instruments.unrealizedPnl);
    this.#fees = new ValueFamily(ctx, Instruments.pnlFees);
    this.#realizedNet = new ValueFamily(ctx, Instruments.realizedNetPnl);
    this.#funding = new ValueFamily(ctx, Instruments.funding);
    observeInstrument(ctx.meter, Instruments.openPositions, (result) => {
      for (const [exchange, open] of this.#openByExchange()) result.observe(open, { [Attr.exchange]: exchange });
    });
  }

  /** Sets the signed position in `symbol` on `exchange`. */
  setPosition(exchange: string, symbol: string, size: number): void {
    this.#set(this.#positions, Instruments.positionSize.name, size, exchange, symbol, Attr.symbol);
  }

  /**
   * A handle on the position in `symbol` on `exchange`: the labels are checked once, and each
   * `set(size)` is a number check and an assignment. For the hot path (a fill handler).
   */
  positionGauge(exchange: string, symbol: string): BoundGauge {
    return this.#bind(this.#positions, Instruments.positionSize.name, exchange, symbol, Attr.symbol);
  }

  /** A handle on the balance of `asset` on `exchange`, as {@link positionGauge}. */
  balanceGauge(exchange: string, asset: string): BoundGauge {
    return this.#bind(this.#balances, Instruments.balance.name, exchange, asset, Attr.asset);
  }

  /** Sets the signed balance of `asset` on `exchange`. */
  setBalance(exchange: string, asset: string, amount: number): void {
    this.#set(this.#balances, Instruments.balance.name, amount, exchange, asset, Attr.asset);
  }

  /**
   * Adds a funding payment on the perpetual `symbol`: positive when received, negative when
   * paid (ccxt's `fetchFundingHistory` amounts). The gauge holds the sum since start.
   */
  addFunding(exchange: string, symbol: string, amount: number): void {
    const series = this.#series(this.#funding, Instruments.funding.name, exchange, symbol, Attr.symbol);
    if (series === undefined) return;
    if (isAmount(amount)) series.value += amount;
    else this.#guard.reject(Instruments.funding.name, numberProblem(amount), `funding ${describeValue(amount)}`);
  }

  /** Sets realized P&L, fees and/or unrealized P&L, per strategy when one is named. */
  setPnl(update: PnlUpdate): void {
    if (typeof update !== 'object' || (update as PnlUpdate | null) === null) {
      this.#guard.reject(Instruments.realizedPnl.name, 'non_finite', `update ${describeValue(update)}`);
      return;
    }
    const strategy = update.strategy;
    if (strategy !== undefined && !isLabelValue(strategy)) {
      this.#guard.reject(Instruments.realizedPnl.name, 'invalid_label', `strategy ${describeValue(strategy)}`);
      return;
    }
    const attributes = (): Attributes => (strategy === undefined ? {} : { [Attr.strategy]: strategy });
    const key = strategy ?? '';
    if (update.unrealized !== undefined) {
      this.#setValue(this.#unrealized.series(key, attributes), update.unrealized, Instruments.unrealizedPnl.name);
    }
    if (update.realized === undefined && update.fees === undefined) return;
    const realized = this.#realized.series(key, attributes);
    const fees = this.#fees.series(key, attributes);
    if (update.realized !== undefined) this.#setValue(realized, update.realized, Instruments.realizedPnl.name);
    if (update.fees !== undefined) this.#setValue(fees, update.fees, Instruments.pnlFees.name);
    this.#realizedNet.series(key, attributes).value = realized.value - fees.value;
  }

  positions(): PositionView[] {
    return [...this.#positions.all()].map((s) => ({
      exchange: String(s.attributes[Attr.exchange]),
      symbol: String(s.attributes[Attr.symbol]),
      size: s.value,
    }));
  }

  balances(): BalanceView[] {
    return [...this.#balances.all()].map((s) => ({
      exchange: String(s.attributes[Attr.exchange]),
      asset: String(s.attributes[Attr.asset]),
      amount: s.value,
    }));
  }

  pnl(): PnlView {
    const realized = sum(this.#realized);
    const fees = sum(this.#fees);
    const unrealized = sum(this.#unrealized);
    return { realized, fees, realizedNet: realized - fees, unrealized, total: realized - fees + unrealized, funding: sum(this.#funding) };
  }

  #openByExchange(): Map<string, number> {
    const open = new Map<string, number>();
    for (const s of this.#positions.all()) {
      const exchange = String(s.attributes[Attr.exchange]);
      open.set(exchange, (open.get(exchange) ?? 0) + (s.value === 0 ? 0 : 1));
    }
    return open;
  }

  #set(family: ValueFamily, instrument: string, value: number, exchange: string, name: string, nameAttr: string): void {
    const series = this.#series(family, instrument, exchange, name, nameAttr);
    if (series !== undefined) this.#setValue(series, value, instrument);
  }

  #bind(family: ValueFamily, instrument: string, exchange: string, name: string, nameAttr: string): BoundGauge {
    const series = this.#series(family, instrument, exchange, name, nameAttr);
    if (series === undefined) return { set: () => this.#guard.reject(instrument, 'invalid_label', `exchange ${describeValue(exchange)} / ${describeValue(name)}`) };
    return { set: (value) => this.#setValue(series, value, instrument) };
  }

  /** The series of (`exchange`, `name`), or undefined (counted as refused) when a label is invalid. */
  #series(family: ValueFamily, instrument: string, exchange: string, name: string, nameAttr: string): ValueSeries | undefined {
    if (!isLabelValue(exchange) || !isLabelValue(name)) {
      this.#guard.reject(instrument, 'invalid_label', `exchange ${describeValue(exchange)} / ${describeValue(name)}`);
      return undefined;
    }
    return family.series(`${exchange}\u001f${name}`, () => ({ [Attr.exchange]: exchange, [nameAttr]: name }));
  }

  #setValue(series: ValueSeries, value: number, instrument: string): void {
    // `+ 0` turns -0 into 0, so a flat position never renders as "-0".
    if (isAmount(value)) series.value = value + 0;
    else this.#guard.reject(instrument, numberProblem(value), `value ${describeValue(value)}`);
  }
}
