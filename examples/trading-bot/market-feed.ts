import type { Logger } from 'pino';
import type { Exchange } from './exchange.js';
import { type WatchLoop, watchLoop } from './watch-loop.js';

/** The best bid and ask of a symbol's book, its microprice, and when they arrived. */
export interface Quote {
  readonly bid: number;
  readonly ask: number;
  /**
   * The touch weighted by the size on the other side: closer to the ask when the bid is
   * heavier. It moves with the sizes, where the mid of a book on a price grid steps.
   */
  readonly microprice: number;
  /** Date.now() when the update arrived. */
  readonly at: number;
}

/**
 * The order books of the traded symbols, kept current by ccxt.pro's `watchOrderBook` (a REST
 * snapshot and the diff stream): what the strategy prices against and the portfolio marks to.
 */
export class MarketFeed {
  readonly #quotes = new Map<string, Quote>();
  readonly #loops: WatchLoop[];

  constructor(exchange: Exchange, symbols: readonly string[], onQuote: (symbol: string, quote: Quote) => void, log: Logger) {
    this.#loops = symbols.map((symbol) =>
      watchLoop(`book ${symbol}`, () => exchange.watchOrderBook(symbol), (book) => {
        const [bid, bidSize = 0] = book.bids[0] ?? [];
        const [ask, askSize = 0] = book.asks[0] ?? [];
        if (bid === undefined || ask === undefined) return;
        const microprice = bidSize + askSize > 0 ? (bid * askSize + ask * bidSize) / (bidSize + askSize) : (bid + ask) / 2;
        const quote = { bid, ask, microprice, at: Date.now() };
        this.#quotes.set(symbol, quote);
        onQuote(symbol, quote);
      }, log),
    );
  }

  /** Whether `symbol`'s book updated within `maxAgeMillis`: no order goes out on stale prices (or while the exchange is unreachable). */
  fresh(symbol: string, maxAgeMillis: number): boolean {
    const quote = this.#quotes.get(symbol);
    return quote !== undefined && Date.now() - quote.at <= maxAgeMillis;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#loops.map((loop) => loop.stop()));
  }
}
