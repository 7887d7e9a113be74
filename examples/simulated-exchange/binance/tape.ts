import { decimal } from './decimal.js';

/** One public trade of a symbol (the venue's own fills and the synthetic crowd's). */
export interface PublicTrade {
  readonly id: number;
  readonly price: number;
  readonly quantity: number;
  readonly time: number;
  /** Binance's `m`: the buyer was the resting (maker) side. */
  readonly buyerMaker: boolean;
}

/** Recent trades kept per symbol for `GET /api/v3/trades` and `aggTrades`. */
const RECENT = 1_000;

/**
 * The trade tape of one symbol: trade ids, the recent trades and the rolling statistics the
 * 24-hour ticker reports (since the venue started, at most 24 h back).
 */
export class Tape {
  readonly symbol: string;
  readonly #recent: PublicTrade[] = [];
  readonly #openTime: number;
  readonly #openPrice: number;
  #nextId = 1;
  #high: number;
  #low: number;
  #last: PublicTrade | undefined;
  #volume = 0;
  #quoteVolume = 0;
  #count = 0;
  #firstId = -1;

  constructor(symbol: string, startPrice: number, now: number) {
    this.symbol = symbol;
    this.#openTime = now;
    this.#openPrice = startPrice;
    this.#high = startPrice;
    this.#low = startPrice;
  }

  /** Records a trade and returns it with its id. */
  record(price: number, quantity: number, time: number, buyerMaker: boolean): PublicTrade {
    const trade: PublicTrade = { id: this.#nextId++, price, quantity, time, buyerMaker };
    this.#recent.push(trade);
    if (this.#recent.length > RECENT) this.#recent.shift();
    if (this.#firstId < 0) this.#firstId = trade.id;
    this.#high = Math.max(this.#high, price);
    this.#low = Math.min(this.#low, price);
    this.#volume += quantity;
    this.#quoteVolume += price * quantity;
    this.#count++;
    this.#last = trade;
    return trade;
  }

  /** The last `limit` trades, oldest first. */
  recent(limit: number): readonly PublicTrade[] {
    return this.#recent.slice(-limit);
  }

  /** The 24-hour statistics as the `GET /api/v3/ticker/24hr` fields (without the book's bid and ask). */
  stats(now: number): Record<string, string | number> {
    const last = this.#last?.price ?? this.#openPrice;
    return {
      symbol: this.symbol,
      priceChange: decimal(last - this.#openPrice),
      priceChangePercent: ((100 * (last - this.#openPrice)) / this.#openPrice).toFixed(3),
      weightedAvgPrice: decimal(this.#volume > 0 ? this.#quoteVolume / this.#volume : last),
      prevClosePrice: decimal(this.#openPrice),
      lastPrice: decimal(last),
      lastQty: decimal(this.#last?.quantity ?? 0),
      openPrice: decimal(this.#openPrice),
      highPrice: decimal(this.#high),
      lowPrice: decimal(this.#low),
      volume: decimal(this.#volume),
      quoteVolume: decimal(this.#quoteVolume),
      openTime: Math.max(this.#openTime, now - 86_400_000),
      closeTime: now,
      firstId: this.#firstId,
      lastId: this.#last?.id ?? -1,
      count: this.#count,
    };
  }
}
