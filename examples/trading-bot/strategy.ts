import type { Side } from 'trading-telemetry';

/** What the strategy wants to do next. */
export interface Signal {
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  /** Limit price: slightly through the touch, so most orders fill quickly. */
  readonly price: number;
  /** The mid when the strategy decided. */
  readonly decisionPrice: number;
}

interface Stats {
  /** The latest price. */
  last: number;
  mean: number;
  variance: number;
  bid: number;
  ask: number;
  ticks: number;
}

/**
 * Mean reversion: keep an exponentially weighted mean and variance of each symbol's price;
 * when the price is below the mean, buy, above it, sell, sized down as the position grows.
 * Deliberately simple: the point of the example is the telemetry around it.
 */
export class MeanReversion {
  readonly #stats = new Map<string, Stats>();
  readonly #alpha: number;
  readonly #notionalPerOrder: number;
  readonly #maxPositionNotional: number;

  constructor(options: { readonly halfLifeTicks?: number; readonly notionalPerOrder?: number; readonly maxPositionNotional?: number } = {}) {
    this.#alpha = 1 - Math.exp(Math.log(0.5) / (options.halfLifeTicks ?? 40));
    this.#notionalPerOrder = options.notionalPerOrder ?? 5_000;
    this.#maxPositionNotional = options.maxPositionNotional ?? Infinity;
  }

  onTick(symbol: string, price: number, bid: number, ask: number): void {
    const s = this.#stats.get(symbol) ?? { last: price, mean: price, variance: 0, bid, ask, ticks: 0 };
    s.last = price;
    const delta = price - s.mean;
    s.mean += this.#alpha * delta;
    s.variance = (1 - this.#alpha) * (s.variance + this.#alpha * delta * delta);
    s.bid = bid;
    s.ask = ask;
    s.ticks++;
    this.#stats.set(symbol, s);
  }

  /** The next order for `symbol`, or undefined while the model is still warming up. */
  signal(symbol: string, position: number): Signal | undefined {
    const s = this.#stats.get(symbol);
    if (s === undefined || s.ticks < 5) return undefined;
    const mid = (s.bid + s.ask) / 2;
    const side: Side = s.last < s.mean ? 'buy' : 'sell';
    // Near its own position target the strategy only trades to reduce; the risk check is the hard stop.
    const growing = (side === 'buy' && position >= 0) || (side === 'sell' && position <= 0);
    if (growing && Math.abs(position) * mid >= this.#maxPositionNotional) return undefined;
    // Lean against the position so it mean-reverts too.
    const leaning = (side === 'buy' && position < 0) || (side === 'sell' && position > 0);
    const quantity = (this.#notionalPerOrder / mid) * (leaning ? 1.5 : 1);
    const price = side === 'buy' ? s.ask * 1.0005 : s.bid * 0.9995;
    return { symbol, side, quantity: Number(quantity.toPrecision(4)), price: Number(price.toFixed(2)), decisionPrice: mid };
  }
}
