import type { Random } from './random.js';

/** Top of book of one symbol. */
export interface Quote {
  readonly symbol: string;
  readonly price: number;
  readonly bid: number;
  readonly ask: number;
}

/** Options of the price model. */
export interface MarketOptions {
  /** Starting mid price per symbol. */
  readonly startPrices: Readonly<Record<string, number>>;
  /** Per-tick volatility (relative standard deviation) in calm markets. Default 0.0005. */
  readonly volatility?: number;
  /** Chance per tick that a volatility burst starts. Default 0.002. */
  readonly burstChance?: number;
  /** Volatility multiplier during a burst. Default 8. */
  readonly burstMultiplier?: number;
  /** Half the bid/ask spread, relative to the mid. Default 0.0001 (1 bp). */
  readonly halfSpread?: number;
}

/**
 * A random walk per symbol with bursts of volatility: calm most of the time, then a few
 * dozen ticks of 8× moves, as a real market around news. Deterministic for a given Random.
 */
export class Market {
  readonly #prices = new Map<string, number>();
  readonly #burstTicksLeft = new Map<string, number>();
  readonly #options: MarketOptions;
  readonly #random: Random;

  constructor(options: MarketOptions, random: Random) {
    this.#options = options;
    this.#random = random;
    for (const [symbol, price] of Object.entries(options.startPrices)) this.#prices.set(symbol, price);
  }

  get symbols(): string[] {
    return [...this.#prices.keys()];
  }

  has(symbol: string): boolean {
    return this.#prices.has(symbol);
  }

  /** Moves `symbol` one step and returns its new quote. */
  step(symbol: string): Quote {
    const price = this.#prices.get(symbol);
    if (price === undefined) throw new Error(`unknown symbol ${symbol}`);
    let burst = this.#burstTicksLeft.get(symbol) ?? 0;
    if (burst === 0 && this.#random.next() < (this.#options.burstChance ?? 0.002)) burst = 20 + Math.floor(this.#random.next() * 40);
    this.#burstTicksLeft.set(symbol, Math.max(0, burst - 1));
    const sigma = (this.#options.volatility ?? 0.0005) * (burst > 0 ? (this.#options.burstMultiplier ?? 8) : 1);
    const next = Math.max(0.01, price * (1 + sigma * this.#random.normal()));
    this.#prices.set(symbol, next);
    return this.quote(symbol);
  }

  /** The current quote of `symbol`. */
  quote(symbol: string): Quote {
    const price = this.#prices.get(symbol) ?? NaN;
    const half = price * (this.#options.halfSpread ?? 0.0001);
    return { symbol, price, bid: price - half, ask: price + half };
  }
}
