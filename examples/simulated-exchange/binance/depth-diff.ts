import { decimal } from './decimal.js';
import type { BookChange, Levels, SyntheticBook } from './order-book.js';

/** A `depthUpdate` event of the diff depth stream (`<symbol>@depth@100ms`). */
export interface DepthUpdate {
  readonly e: 'depthUpdate';
  readonly E: number;
  readonly s: string;
  readonly U: number;
  readonly u: number;
  readonly b: Levels;
  readonly a: Levels;
}

/**
 * Collects a book's committed changes between two pushes of one stream speed (100 ms or
 * 1000 ms) and merges them: the event covers update ids `U`..`u` and carries each changed
 * level's latest size, exactly what Binance's diff stream sends.
 */
export class DepthDiff {
  readonly #book: SyntheticBook;
  readonly #bids = new Map<number, number>();
  readonly #asks = new Map<number, number>();
  #first: number | undefined;
  #last = 0;

  constructor(book: SyntheticBook) {
    this.#book = book;
    book.onChange((change) => this.#add(change));
  }

  /** The event for everything since the last take, or undefined when nothing changed; starts over. */
  take(eventTime: number): DepthUpdate | undefined {
    if (this.#first === undefined) return undefined;
    const side = (levels: Map<number, number>, descending: boolean): Levels =>
      [...levels.entries()].sort(([a], [b]) => (descending ? b - a : a - b)).map(([ticks, size]) => [this.#book.price(ticks), decimal(size)]);
    const update: DepthUpdate = { e: 'depthUpdate', E: eventTime, s: this.#book.symbol.symbol, U: this.#first, u: this.#last, b: side(this.#bids, true), a: side(this.#asks, false) };
    this.#first = undefined;
    this.#bids.clear();
    this.#asks.clear();
    return update;
  }

  #add(change: BookChange): void {
    this.#first ??= change.U;
    this.#last = change.u;
    for (const [ticks, size] of change.bids) this.#bids.set(ticks, size);
    for (const [ticks, size] of change.asks) this.#asks.set(ticks, size);
  }
}
