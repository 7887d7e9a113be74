import type { Quote } from '../market.js';
import type { Random } from '../random.js';
import { decimal, floorToStep } from './decimal.js';
import type { SpotSymbol } from './symbols.js';

/** Price levels per side. */
const DEPTH = 20;
/** Chance per tick that a level that stays in the window changes its size (other traders' activity). */
const CHURN = 0.15;
/** Committed book states kept for {@link SyntheticBook.stateAt}. */
const HISTORY = 64;

/** A committed batch of level changes: update ids `U`..`u` and the new size of each changed level (0 removes it). */
export interface BookChange {
  readonly U: number;
  readonly u: number;
  /** Price (in ticks) → new size. */
  readonly bids: ReadonlyMap<number, number>;
  readonly asks: ReadonlyMap<number, number>;
}

/** One side's levels as Binance writes them: `[["49995.00000000","0.41200000"], …]`, best first. */
export type Levels = [string, string][];

/** The book after update id `lastUpdateId`. */
export interface BookState {
  readonly lastUpdateId: number;
  readonly bids: Levels;
  readonly asks: Levels;
}

/** Liquidity taken from one level. */
export interface Take {
  readonly priceTicks: number;
  readonly quantity: number;
}

/**
 * The visible order book of one symbol: 20 levels a side on a fixed price grid around the
 * market's quote, sized at random (seeded). Every change of a level gets an update id, as on
 * Binance, so that a REST snapshot (`lastUpdateId`) plus the diff stream (`U`..`u`) rebuild
 * it exactly. Taker orders consume its liquidity; the next tick refills the grid.
 */
export class SyntheticBook {
  readonly symbol: SpotSymbol;
  readonly #random: Random;
  readonly #bids = new Map<number, number>();
  readonly #asks = new Map<number, number>();
  readonly #pendingBids = new Map<number, number>();
  readonly #pendingAsks = new Map<number, number>();
  readonly #history: BookState[] = [];
  readonly #listeners: ((change: BookChange) => void)[] = [];
  #lastUpdateId: number;

  constructor(symbol: SpotSymbol, random: Random, firstUpdateId: number) {
    this.symbol = symbol;
    this.#random = random;
    this.#lastUpdateId = firstUpdateId;
  }

  get lastUpdateId(): number {
    return this.#lastUpdateId;
  }

  /** Calls `listener` with every committed change. */
  onChange(listener: (change: BookChange) => void): void {
    this.#listeners.push(listener);
  }

  /** Moves the grid to `quote`: levels leaving the window go, new ones appear, some resize. */
  regenerate(quote: Quote): void {
    const step = this.symbol.levelTicks;
    const bidTop = Math.floor(quote.bid / this.symbol.tickSize / step) * step;
    const askTop = Math.ceil(quote.ask / this.symbol.tickSize / step) * step;
    this.#reshape(this.#bids, this.#pendingBids, (i) => bidTop - i * step);
    this.#reshape(this.#asks, this.#pendingAsks, (i) => askTop + i * step);
  }

  /**
   * Takes up to `quantity` from the side a `side` order trades against, best price first, at
   * prices no worse than `limitTicks` (any price when undefined). `maxQuote` caps the quote
   * amount spent (a market buy by `quoteOrderQty`).
   */
  take(side: 'BUY' | 'SELL', limitTicks: number | undefined, quantity: number, maxQuote = Infinity): Take[] {
    const levels = side === 'BUY' ? this.#asks : this.#bids;
    const pending = side === 'BUY' ? this.#pendingAsks : this.#pendingBids;
    const taken: Take[] = [];
    let left = quantity;
    let quoteLeft = maxQuote;
    for (const priceTicks of this.#sorted(levels, side === 'SELL')) {
      if (left <= 0 || quoteLeft <= 0) break;
      if (limitTicks !== undefined && (side === 'BUY' ? priceTicks > limitTicks : priceTicks < limitTicks)) break;
      const size = levels.get(priceTicks) ?? 0;
      const price = priceTicks * this.symbol.tickSize;
      const affordable = quoteLeft === Infinity ? Infinity : floorToStep(quoteLeft / price, this.symbol.stepSize);
      const amount = floorToStep(Math.min(size, left, affordable), this.symbol.stepSize);
      if (amount <= 0) break;
      taken.push({ priceTicks, quantity: amount });
      this.#set(levels, pending, priceTicks, floorToStep(size - amount, this.symbol.stepSize));
      left = floorToStep(left - amount, this.symbol.stepSize);
      quoteLeft -= amount * price;
    }
    return taken;
  }

  /** What {@link take} would take, without taking it. */
  peek(side: 'BUY' | 'SELL', limitTicks: number | undefined, quantity: number): Take[] {
    const levels = side === 'BUY' ? this.#asks : this.#bids;
    const taken: Take[] = [];
    let left = quantity;
    for (const priceTicks of this.#sorted(levels, side === 'SELL')) {
      if (left <= 0 || (limitTicks !== undefined && (side === 'BUY' ? priceTicks > limitTicks : priceTicks < limitTicks))) break;
      const amount = Math.min(levels.get(priceTicks) ?? 0, left);
      taken.push({ priceTicks, quantity: amount });
      left -= amount;
    }
    return taken;
  }

  /** Best bid and ask as [price ticks, size], or undefined for an empty side. */
  top(): { bid: [number, number] | undefined; ask: [number, number] | undefined } {
    const bid = this.#sorted(this.#bids, true)[0];
    const ask = this.#sorted(this.#asks, false)[0];
    return {
      bid: bid === undefined ? undefined : [bid, this.#bids.get(bid) ?? 0],
      ask: ask === undefined ? undefined : [ask, this.#asks.get(ask) ?? 0],
    };
  }

  /** Assigns update ids to the changes since the last commit and tells the listeners. */
  commit(): void {
    const count = this.#pendingBids.size + this.#pendingAsks.size;
    if (count === 0) return;
    const change: BookChange = { U: this.#lastUpdateId + 1, u: this.#lastUpdateId + count, bids: new Map(this.#pendingBids), asks: new Map(this.#pendingAsks) };
    this.#lastUpdateId = change.u;
    this.#pendingBids.clear();
    this.#pendingAsks.clear();
    this.#history.push(this.snapshot(DEPTH));
    if (this.#history.length > HISTORY) this.#history.shift();
    for (const listener of this.#listeners) listener(change);
  }

  /** The current book, `limit` levels a side, as `GET /api/v3/depth` returns it. */
  snapshot(limit: number): BookState {
    const level = (levels: Map<number, number>) => (ticks: number): [string, string] => [this.price(ticks), decimal(levels.get(ticks) ?? 0)];
    return {
      lastUpdateId: this.#lastUpdateId,
      bids: this.#sorted(this.#bids, true).slice(0, limit).map(level(this.#bids)),
      asks: this.#sorted(this.#asks, false).slice(0, limit).map(level(this.#asks)),
    };
  }

  /** The book right after update id `updateId`, while it is among the last 64 commits. */
  stateAt(updateId: number): BookState | undefined {
    return this.#history.find((state) => state.lastUpdateId === updateId);
  }

  /** `ticks` as a price string. */
  price(ticks: number): string {
    return decimal(ticks * this.symbol.tickSize);
  }

  #reshape(levels: Map<number, number>, pending: Map<number, number>, priceAt: (index: number) => number): void {
    const wanted = new Set<number>();
    for (let i = 0; i < DEPTH; i++) if (priceAt(i) > 0) wanted.add(priceAt(i));
    for (const ticks of [...levels.keys()]) if (!wanted.has(ticks)) this.#set(levels, pending, ticks, 0);
    for (const ticks of wanted) {
      if (!levels.has(ticks) || this.#random.next() < CHURN) this.#set(levels, pending, ticks, this.#drawSize(ticks));
    }
  }

  #drawSize(ticks: number): number {
    const price = ticks * this.symbol.tickSize;
    const size = (this.symbol.levelNotional / price) * (0.2 + 1.8 * this.#random.next());
    return Math.max(this.symbol.minQty, floorToStep(size, this.symbol.stepSize));
  }

  #set(levels: Map<number, number>, pending: Map<number, number>, ticks: number, size: number): void {
    if (size > 0) levels.set(ticks, size);
    else levels.delete(ticks);
    pending.set(ticks, size > 0 ? size : 0);
  }

  #sorted(levels: Map<number, number>, descending: boolean): number[] {
    return [...levels.keys()].sort((a, b) => (descending ? b - a : a - b));
  }
}
