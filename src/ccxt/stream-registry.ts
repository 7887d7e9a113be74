import type { Attributes } from '@opentelemetry/api';
import { Attr } from '../conventions.js';
import type { ValueSeries } from '../metrics/instrument-families.js';
import type { BoundMarketData, MarketDataMetrics } from '../metrics/market-data-metrics.js';
import { isLabelValue } from '../metrics/label-values.js';
import { finite, isObject } from './ccxt-shapes.js';
import type { ExchangeMetrics } from './exchange-metrics.js';
import { MARKET_STREAMS } from './unified-methods.js';
import type { BookHealth } from './book-health.js';
import type { VenueClock } from './venue-clock.js';

/** The stream of order books, whose health {@link BookHealth} follows. */
const ORDER_BOOK = 'order_book';

/** One WebSocket subscription: a stream of one symbol (`order_book` of `BTC/USDT`), or of the account (`orders`). */
export interface Subscription {
  readonly stream: string;
  readonly symbol: string | undefined;
  readonly attributes: Attributes;
  readonly messages: ValueSeries;
  /** The market-data feed it counts into (market streams of one symbol). */
  readonly feed: BoundMarketData | undefined;
  /** Clock ms when it was (last) subscribed. */
  subscribedAt: number;
  /** Clock ms of its last update; NaN before the first. */
  lastMessageAt: number;
}

/** A socket's state: dialled and never open yet, open, or lost (until it opens again). */
type SocketState = 'new' | 'open' | 'down';

/** Subscriptions followed per venue, at most: a bot subscribes to a bounded set of symbols. */
const MAX_SUBSCRIPTIONS = 2000;

/** The exchange timestamp of an update ccxt resolved: a book's or ticker's `timestamp`, the last trade's or candle's. */
function timestampOf(result: unknown): number | undefined {
  const latest: unknown = Array.isArray(result) ? result[result.length - 1] : result;
  if (Array.isArray(latest)) return finite(latest[0]);
  return isObject(latest) ? finite(latest.timestamp) : undefined;
}

/**
 * The WebSocket side of one venue: which subscriptions exist (learned from the futures a
 * watch call waits on), each one's message count and last update (from every update ccxt
 * resolves, whether or not the bot is waiting), and the sockets' state. It feeds
 * `telemetry.marketData` (messages, latency, connected, reconnects), so the exchange check,
 * the alert presets and the dashboard see ccxt's streams as they see a ConnectionMonitor feed.
 */
export class StreamRegistry {
  readonly #exchange: string;
  readonly #metrics: ExchangeMetrics;
  readonly #marketData: MarketDataMetrics;
  readonly #clock: () => number;
  readonly #exchangeClock: VenueClock;
  readonly #books: BookHealth;
  readonly #subscriptions = new Map<string, Subscription>();
  /** Per socket URL, the message hashes ccxt resolves updates under, and whose they are. */
  readonly #hashes = new Map<string, Map<string, Subscription>>();
  readonly #sockets = new Map<string, SocketState>();

  constructor(exchange: string, metrics: ExchangeMetrics, marketData: MarketDataMetrics, clock: () => number, exchangeClock: VenueClock, books: BookHealth) {
    this.#exchange = exchange;
    this.#metrics = metrics;
    this.#marketData = marketData;
    this.#clock = clock;
    this.#exchangeClock = exchangeClock;
    this.#books = books;
    metrics.observeStreamAge(() => this.#ages());
  }

  /** Whether a socket was ever dialled: before that the exchange is used over REST only. */
  get used(): boolean {
    return this.#sockets.size > 0;
  }

  /** The subscription a watch call waits on `hash` for (on the socket at `url`); made on first sight. */
  subscribe(url: string, hash: string, stream: string, symbol: string | undefined): void {
    const known = this.#hashes.get(url)?.get(hash);
    if (known !== undefined) return;
    const key = `${stream}\u001f${symbol ?? ''}`;
    let subscription = this.#subscriptions.get(key);
    if (subscription === undefined) {
      // A symbol that cannot be a label is not followed (its messages series would be refused).
      if (this.#subscriptions.size >= MAX_SUBSCRIPTIONS || (symbol !== undefined && !isLabelValue(symbol))) return;
      const attributes: Attributes = symbol === undefined ? { [Attr.stream]: stream } : { [Attr.stream]: stream, [Attr.symbol]: symbol };
      const market = symbol !== undefined && MARKET_STREAMS.has(stream);
      subscription = {
        stream,
        symbol,
        attributes: { [Attr.exchange]: this.#exchange, ...attributes },
        messages: this.#metrics.streamMessages(this.#exchange, stream, symbol),
        feed: market ? this.#marketData.for(this.#exchange, symbol) : undefined,
        subscribedAt: this.#clock(),
        lastMessageAt: Number.NaN,
      };
      this.#subscriptions.set(key, subscription);
    } else if (Number.isNaN(subscription.lastMessageAt)) {
      subscription.subscribedAt = this.#clock();
    }
    if (stream === ORDER_BOOK && symbol !== undefined) this.#books.subscribe(symbol, this.#clock());
    let hashes = this.#hashes.get(url);
    if (hashes === undefined) this.#hashes.set(url, (hashes = new Map<string, Subscription>()));
    if (hashes.size < MAX_SUBSCRIPTIONS) hashes.set(hash, subscription);
  }

  /** ccxt resolved an update under `hash` on the socket at `url`. */
  message(url: string, hash: string, result: unknown): void {
    const subscription = this.#hashes.get(url)?.get(hash);
    if (subscription === undefined) return;
    subscription.messages.value += 1;
    const now = this.#clock();
    subscription.lastMessageAt = now;
    const timestamp = timestampOf(result);
    subscription.feed?.message(1, timestamp);
    if (timestamp !== undefined && subscription.feed !== undefined) this.#exchangeClock.event(timestamp, now);
    if (subscription.stream === ORDER_BOOK && subscription.symbol !== undefined) this.#books.update(subscription.symbol, result, now);
    else this.#books.message(now);
  }

  /** ccxt rejected the future of `hash` with `errorClass`: on a book, ChecksumError or InvalidNonce is a sequence gap. */
  rejected(url: string, hash: string, errorClass: string): void {
    const subscription = this.#hashes.get(url)?.get(hash);
    if (subscription?.stream !== ORDER_BOOK || subscription.symbol === undefined) return;
    if (errorClass === 'ChecksumError' || errorClass === 'InvalidNonce') this.#books.gap(subscription.symbol);
  }

  /** ccxt made a client for `url` (it dials it on the next watch). */
  dialling(url: string): void {
    if (!this.#sockets.has(url)) this.#set(url, 'new');
  }

  /** The socket at `url` opened. A socket that had been lost counts a reconnection. */
  opened(url: string): void {
    if (this.#sockets.get(url) === 'down') this.#marketData.reconnected(this.#exchange);
    this.#set(url, 'open');
  }

  /** The socket at `url` closed or failed, not by the bot's doing. Its subscriptions wait for the next watch call. */
  lost(url: string): void {
    if (this.#sockets.has(url)) this.#set(url, 'down');
  }

  /** The bot unsubscribed (`unWatch…`): those subscriptions are no longer expected to update. */
  unsubscribe(stream: string, symbols: readonly string[]): void {
    for (const [key, subscription] of this.#subscriptions) {
      if (subscription.stream !== stream || (symbols.length > 0 && (subscription.symbol === undefined || !symbols.includes(subscription.symbol)))) continue;
      this.#subscriptions.delete(key);
      if (stream === ORDER_BOOK && subscription.symbol !== undefined) this.#books.unsubscribe([subscription.symbol]);
      for (const hashes of this.#hashes.values()) for (const [hash, held] of hashes) if (held === subscription) hashes.delete(hash);
    }
  }

  /** The bot closed the exchange (`close()`): no sockets, no subscriptions. */
  clear(): void {
    this.#subscriptions.clear();
    this.#hashes.clear();
    this.#sockets.clear();
    this.#books.unsubscribe(undefined);
    this.#marketData.setConnected(this.#exchange, false);
  }

  /** Every subscription followed now. */
  subscriptions(): IterableIterator<Subscription> {
    return this.#subscriptions.values();
  }

  /** Socket URLs that are lost and not open again. */
  lostSockets(): string[] {
    return [...this.#sockets].filter(([, state]) => state === 'down').map(([url]) => url);
  }

  #set(url: string, state: SocketState): void {
    this.#sockets.set(url, state);
    const states = [...this.#sockets.values()];
    this.#marketData.setConnected(this.#exchange, states.includes('open') && !states.includes('down'));
  }

  *#ages(): Generator<{ value: number; attributes: Attributes }> {
    const now = this.#clock();
    for (const subscription of this.#subscriptions.values()) {
      const since = Number.isNaN(subscription.lastMessageAt) ? subscription.subscribedAt : subscription.lastMessageAt;
      yield { value: Math.max(0, now - since) / 1000, attributes: subscription.attributes };
    }
  }
}
