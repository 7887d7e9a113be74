import type { BookView } from '../exchange-health-view.js';
import type { RiskBlocks } from '../risk-blocks.js';
import { isObject } from './ccxt-shapes.js';
import type { BookSeries, ExchangeMetrics } from './exchange-metrics.js';

/** Update intervals remembered per book, for its median. */
const INTERVALS = 31;
/** A book is a zombie when silent past this many median intervals… */
const SILENT_INTERVALS = 3;
/** …and at least this long (ms): a slow book is not a zombie for being slow. */
const MIN_SILENCE_MILLIS = 2_000;
/** Zombies are judged at most this often (ms), on the messages of the other streams. */
const JUDGE_EVERY_MILLIS = 250;

/** The best price of one side of a ccxt order book (`bids[0][0]`), when there is one. */
function bestOf(side: unknown): number | undefined {
  if (!Array.isArray(side) || side.length === 0) return undefined;
  const level: unknown = side[0];
  const price: unknown = Array.isArray(level) ? level[0] : undefined;
  return typeof price === 'number' && Number.isFinite(price) ? price : undefined;
}

/** One subscribed order book: its updates' intervals, gaps and resyncs, crossed and locked updates. */
class BookWatch {
  readonly symbol: string;
  readonly series: BookSeries;
  readonly #intervals = new Float64Array(INTERVALS);
  #intervalCount = 0;
  subscribedAt: number;
  lastAt = Number.NaN;
  #gapPending = false;
  silent = false;

  constructor(symbol: string, series: BookSeries, now: number) {
    this.symbol = symbol;
    this.series = series;
    this.subscribedAt = now;
  }

  update(book: unknown, now: number): void {
    if (!Number.isNaN(this.lastAt)) this.#intervals[this.#intervalCount++ % INTERVALS] = now - this.lastAt;
    this.lastAt = now;
    if (this.#gapPending) {
      this.#gapPending = false;
      this.series.resyncs.value += 1;
    }
    if (!isObject(book)) return;
    const bid = bestOf(book.bids);
    const ask = bestOf(book.asks);
    if (bid === undefined || ask === undefined || bid < ask) return;
    (bid > ask ? this.series.crossed : this.series.locked).value += 1;
  }

  gap(): void {
    this.series.gaps.value += 1;
    this.#gapPending = true;
  }

  /** The median of the recent update intervals, ms; undefined before two updates. */
  medianInterval(): number | undefined {
    const count = Math.min(this.#intervalCount, INTERVALS);
    if (count === 0) return undefined;
    const sorted = this.#intervals.slice(0, count).sort();
    return sorted[Math.floor(count / 2)];
  }

  /** How long it may be silent before it is a zombie, ms. */
  silenceAllowed(): number {
    return Math.max(SILENT_INTERVALS * (this.medianInterval() ?? 0), MIN_SILENCE_MILLIS);
  }

  since(): number {
    return Number.isNaN(this.lastAt) ? this.subscribedAt : this.lastAt;
  }
}

/**
 * The order books of one venue: each book's age, sequence gaps (ccxt's ChecksumError or
 * InvalidNonce on it) and the resync after each, crossed and locked updates, and zombies: a
 * book silent past max(3 × its median update interval, 2 s) while the exchange's other streams
 * still deliver (the socket is open, the symbol stopped). A zombie is `trading.order_book.silent`
 * 1, the `exchange:<id>` check's degraded reason, and the governor block
 * `book:<exchange>:<symbol>`, which halts new orders on that symbol only; its next update lifts it.
 */
export class BookHealth {
  readonly #exchange: string;
  readonly #metrics: ExchangeMetrics;
  readonly #blocks: RiskBlocks;
  readonly #books = new Map<string, BookWatch>();
  #lastMessageAt = Number.NaN;
  #judgedAt = Number.NEGATIVE_INFINITY;

  constructor(exchange: string, metrics: ExchangeMetrics, blocks: RiskBlocks) {
    this.#exchange = exchange;
    this.#metrics = metrics;
    this.#blocks = blocks;
  }

  /** The book of `symbol` is subscribed (again). Its series exist from now on, at 0. */
  subscribe(symbol: string, now: number): void {
    const known = this.#books.get(symbol);
    if (known !== undefined) {
      if (Number.isNaN(known.lastAt)) known.subscribedAt = now;
      return;
    }
    this.#books.set(symbol, new BookWatch(symbol, this.#metrics.book(this.#exchange, symbol), now));
  }

  /** An update of the book of `symbol`. */
  update(symbol: string, book: unknown, now: number): void {
    const watch = this.#books.get(symbol);
    if (watch === undefined) return;
    watch.update(book, now);
    if (watch.silent) this.#setSilent(watch, false);
    this.message(now);
  }

  /** A sequence gap on the book of `symbol`: ccxt dropped it and re-snapshots on the next watch. */
  gap(symbol: string): void {
    this.#books.get(symbol)?.gap();
  }

  /** Any stream of the venue delivered: the books that stayed silent meanwhile are judged. */
  message(now: number): void {
    this.#lastMessageAt = now;
    if (now - this.#judgedAt >= JUDGE_EVERY_MILLIS) this.judge(now);
  }

  /** Judges every book that has delivered: a zombie when silent past what it is allowed while another stream delivered since. */
  judge(now: number): void {
    this.#judgedAt = now;
    for (const watch of this.#books.values()) {
      // A book that never delivered is still loading its snapshot (the silence check of the health covers it).
      if (Number.isNaN(watch.lastAt)) continue;
      const since = watch.lastAt;
      const zombie = now - since > watch.silenceAllowed() && this.#lastMessageAt > since + watch.silenceAllowed();
      if (zombie !== watch.silent) this.#setSilent(watch, zombie);
    }
  }

  /** The book of `symbol` is no longer subscribed (or none are: `symbols` undefined). */
  unsubscribe(symbols: readonly string[] | undefined): void {
    for (const [symbol, watch] of this.#books) {
      if (symbols !== undefined && !symbols.includes(symbol)) continue;
      if (watch.silent) this.#setSilent(watch, false);
      this.#books.delete(symbol);
    }
  }

  /** The zombies now, with how long each has been silent (s). */
  zombies(now: number): { symbol: string; silentSeconds: number }[] {
    this.judge(now);
    return [...this.#books.values()].filter((w) => w.silent).map((w) => ({ symbol: w.symbol, silentSeconds: (now - w.since()) / 1000 }));
  }

  /** Every book's health now. */
  views(now: number): BookView[] {
    this.judge(now);
    return [...this.#books.values()].map((w) => ({
      symbol: w.symbol,
      ageSeconds: Number.isNaN(w.lastAt) ? null : (now - w.lastAt) / 1000,
      medianIntervalMillis: w.medianInterval() ?? null,
      gaps: w.series.gaps.value,
      resyncs: w.series.resyncs.value,
      crossed: w.series.crossed.value,
      locked: w.series.locked.value,
      silent: w.silent,
    }));
  }

  /** `trading.order_book.age` of every book, s. */
  *ages(now: number): Generator<{ symbol: string; seconds: number }> {
    for (const watch of this.#books.values()) yield { symbol: watch.symbol, seconds: Math.max(0, now - watch.since()) / 1000 };
  }

  #setSilent(watch: BookWatch, silent: boolean): void {
    watch.silent = silent;
    watch.series.silent.value = silent ? 1 : 0;
    const key = `book:${this.#exchange}:${watch.symbol}`;
    if (silent) this.#blocks.set(key, { exchange: this.#exchange, symbol: watch.symbol, level: 'halt', reason: 'order book silent past 3 × its median update interval (at least 2 s) while the other streams deliver' });
    else this.#blocks.clear(key);
  }
}
