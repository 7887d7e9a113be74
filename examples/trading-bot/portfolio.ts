import type { Side, TradingTelemetry } from 'trading-telemetry';

/** A fill's fee as ccxt reports it: `cost` in `currency` (the quote, the base, or another asset). */
export interface FillFee {
  readonly cost?: number | undefined;
  readonly currency?: string | undefined;
}

interface Position {
  /** Signed quantity: negative is short. */
  quantity: number;
  /** Average entry price of the open quantity. */
  averagePrice: number;
  /** Last traded or quoted price, for unrealized P&L. */
  mark: number;
}

/**
 * Positions, cash and P&L with average-cost accounting, published to the telemetry gauges
 * on every change. Realized P&L moves when a fill reduces a position; unrealized P&L is the
 * open quantity marked to the latest price. Fees are kept apart (the P&L gauges show realized
 * P&L gross and net of them), valued in the quote currency at the fill's price.
 */
export class Portfolio {
  readonly #positions = new Map<string, Position>();
  #cash: number;
  #realized = 0;
  #fees = 0;
  #consecutiveLosses = 0;
  readonly #telemetry: TradingTelemetry;
  readonly #exchange: string;
  readonly #strategy: string;

  constructor(telemetry: TradingTelemetry, exchange: string, strategy: string, startingCash: number) {
    this.#telemetry = telemetry;
    this.#exchange = exchange;
    this.#strategy = strategy;
    this.#cash = startingCash;
    this.#publish();
  }

  /** Signed position in `symbol`. */
  position(symbol: string): number {
    return this.#positions.get(symbol)?.quantity ?? 0;
  }

  get realizedPnl(): number {
    return this.#realized;
  }

  get consecutiveLosses(): number {
    return this.#consecutiveLosses;
  }

  /** Books a fill: moves cash, updates the average price, realizes P&L when a position shrinks, and pays its fee. */
  onFill(symbol: string, side: Side, quantity: number, price: number, fee?: FillFee): void {
    const position = this.#positions.get(symbol) ?? { quantity: 0, averagePrice: 0, mark: price };
    const signed = side === 'buy' ? quantity : -quantity;
    const feeInQuote = quoteValue(symbol, price, fee);
    this.#fees += feeInQuote;
    this.#cash -= signed * price + feeInQuote;
    const reducing = position.quantity !== 0 && Math.sign(signed) !== Math.sign(position.quantity);
    if (reducing) {
      const closed = Math.min(Math.abs(signed), Math.abs(position.quantity));
      const pnl = closed * (price - position.averagePrice) * Math.sign(position.quantity);
      this.#realized += pnl;
      this.#consecutiveLosses = pnl < 0 ? this.#consecutiveLosses + 1 : 0;
    }
    const next = position.quantity + signed;
    if (next === 0 || Math.sign(next) !== Math.sign(position.quantity)) {
      // Flat, or flipped: what remains was opened at this fill's price.
      position.averagePrice = next === 0 ? 0 : price;
    } else if (!reducing) {
      position.averagePrice = (position.averagePrice * position.quantity + price * signed) / next;
    }
    position.quantity = Math.abs(next) < 1e-12 ? 0 : next;
    position.mark = price;
    this.#positions.set(symbol, position);
    this.#publish();
  }

  /** Marks `symbol` to a new market price (unrealized P&L follows). */
  mark(symbol: string, price: number): void {
    const position = this.#positions.get(symbol);
    if (position === undefined) return;
    position.mark = price;
  }

  /** Publishes positions, balances and P&L to the gauges. Cheap: call it on every fill and once a second. */
  #publish(): void {
    let unrealized = 0;
    for (const [symbol, p] of this.#positions) {
      unrealized += (p.mark - p.averagePrice) * p.quantity;
      this.#telemetry.portfolio.setPosition(this.#exchange, symbol, p.quantity);
      this.#telemetry.portfolio.setBalance(this.#exchange, symbol.split(/[-/]/)[0] ?? symbol, p.quantity);
    }
    this.#telemetry.portfolio.setBalance(this.#exchange, 'USDT', this.#cash);
    this.#telemetry.portfolio.setPnl({ realized: this.#realized, unrealized, fees: this.#fees, strategy: this.#strategy });
  }

  /** Re-publishes with the latest marks. */
  refresh(): void {
    this.#publish();
  }
}

/** A fee's value in the quote currency of `symbol` (`BASE/QUOTE`): a base-asset fee at the fill's price; another asset's is not valued (0). */
function quoteValue(symbol: string, price: number, fee: FillFee | undefined): number {
  const cost = fee?.cost;
  if (cost === undefined || !Number.isFinite(cost)) return 0;
  const [base, quote] = symbol.split(/[-/:]/);
  if (fee?.currency === quote) return cost;
  if (fee?.currency === base) return cost * price;
  return 0;
}
