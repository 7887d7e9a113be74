import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { FeeRates, Faults, WeightBudgetFault } from '../faults.js';
import { drawLatency, type LatencyModel } from '../latency.js';
import { Market, type MarketOptions } from '../market.js';
import type { Random } from '../random.js';
import { DepthDiff } from './depth-diff.js';
import { decimal } from './decimal.js';
import { exchangeInfo } from './exchange-info.js';
import { MarketStreams } from './market-streams.js';
import { type BookState, SyntheticBook } from './order-book.js';
import { DEFAULT_ORDER_LIMITS, DEFAULT_WEIGHT_BUDGET, FIRST_FILL_CREDIT, OrderCounter, WeightBudget } from './rate-limits.js';
import { clientIp, handleRest, type RestVenue } from './rest-api.js';
import { SpotAccount } from './spot-account.js';
import { DEFAULT_SPOT_BALANCES, DEFAULT_SPOT_SYMBOLS, type SpotSymbol } from './symbols.js';
import { Tape } from './tape.js';
import { WsApi } from './ws-api.js';

/** An API key the venue accepts, with the HMAC secret its requests are signed with. */
export interface ApiCredentials {
  readonly apiKey: string;
  readonly secret: string;
}

/** The key pair every venue accepts unless told otherwise (a simulator's, not a secret). */
export const DEFAULT_API_CREDENTIALS: ApiCredentials = { apiKey: 'simulator-api-key', secret: 'simulator-api-secret' };

/** Options of the Binance-compatible venue. */
export interface BinanceVenueOptions {
  /** Listed symbols. Default BTCUSDT, ETHUSDT, SOLUSDT. */
  readonly symbols?: readonly SpotSymbol[];
  /** Each account's starting balances. Default 1,000,000 USDT, 10 BTC, 100 ETH, 1,000 SOL. */
  readonly balances?: Readonly<Record<string, number>>;
  /** Accepted API keys, one account each. Default {@link DEFAULT_API_CREDENTIALS}. */
  readonly credentials?: readonly ApiCredentials[];
  /** Commission rates. Default 0.1 % maker and taker (Binance's base tier). */
  readonly fees?: FeeRates;
  /** REQUEST_WEIGHT per IP per minute and the ban rules. Default 6000, ban after 5 refusals, 120 s. */
  readonly weightBudget?: WeightBudgetFault;
  /** New orders per account per 10 s and per day. Default 100 and 200,000. */
  readonly orderLimits?: { readonly per10s: number; readonly perDay: number };
  /** Limit prices further than this share from the mid are refused. Default 0.05. */
  readonly priceBand?: number;
}

/** Speeds of the diff depth stream and the stream names each feeds. */
const DEPTH_SPEEDS = { '100ms': ['depth@100ms'], '1000ms': ['depth', 'depth@1000ms'] } as const;
type DepthSpeed = keyof typeof DEPTH_SPEEDS;
/** Chance per tick of a trade by the synthetic crowd. */
const CROWD_TRADE_CHANCE = 0.3;

interface Listing {
  readonly symbol: SpotSymbol;
  readonly book: SyntheticBook;
  readonly tape: Tape;
  readonly diffs: Record<DepthSpeed, DepthDiff>;
  lastTop: string;
}

/**
 * A venue speaking Binance's spot API on the simulated exchange's port: REST under
 * `/api/v3` (plus the SAPI calls and empty futures `exchangeInfo` that ccxt's loadMarkets
 * makes), market streams under `/ws/…` and `/stream`, and the WebSocket API at `/ws-api/v3`
 * for user data. Its own seeded market and books; the exchange's {@link Faults} apply.
 */
export class BinanceVenue implements RestVenue {
  readonly symbols: ReadonlyMap<string, SpotSymbol>;
  readonly secrets: ReadonlyMap<string, string>;
  readonly weights: WeightBudget;
  readonly sapiWeights = new WeightBudget(() => ({ limit: 12_000, banAfter: 5, banSeconds: 120 }));
  readonly #faults: Faults;
  readonly #options: BinanceVenueOptions;
  readonly #latency: LatencyModel;
  readonly #random: Random;
  readonly #market: Market;
  readonly #listings = new Map<string, Listing>();
  readonly #accounts = new Map<string, SpotAccount>();
  readonly #orderCounters = new Map<string, OrderCounter>();
  readonly #streams: MarketStreams;
  readonly #wsApi: WsApi;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #timers: NodeJS.Timeout[] = [];
  #nextOrderId = 1;
  #orderRequests = 0;

  constructor(options: BinanceVenueOptions, deps: { faults: Faults; latency: LatencyModel; random: Random; market?: Omit<MarketOptions, 'startPrices'> }) {
    this.#options = options;
    this.#faults = deps.faults;
    this.#latency = deps.latency;
    this.#random = deps.random;
    const symbols = options.symbols ?? DEFAULT_SPOT_SYMBOLS;
    this.symbols = new Map(symbols.map((symbol) => [symbol.symbol, symbol]));
    this.secrets = new Map((options.credentials ?? [DEFAULT_API_CREDENTIALS]).map((c) => [c.apiKey, c.secret]));
    this.weights = new WeightBudget(() => this.#faults.weightBudget ?? this.#options.weightBudget ?? DEFAULT_WEIGHT_BUDGET);
    this.#market = new Market({ ...deps.market, startPrices: Object.fromEntries(symbols.map((symbol) => [symbol.symbol, symbol.startPrice])) }, this.#random);
    const now = this.now();
    for (const symbol of symbols) {
      const book = new SyntheticBook(symbol, this.#random, 1_000_000);
      const listing: Listing = { symbol, book, tape: new Tape(symbol.symbol, symbol.startPrice, now), diffs: { '100ms': new DepthDiff(book), '1000ms': new DepthDiff(book) }, lastTop: '' };
      book.regenerate(this.#market.quote(symbol.symbol));
      book.commit();
      this.#listings.set(symbol.symbol, listing);
    }
    this.#streams = new MarketStreams(symbols.map((symbol) => symbol.symbol), () => this.silent());
    this.#wsApi = new WsApi(this);
  }

  /** Starts the stream timers (depth every 100 ms and 1000 ms, tickers every second). */
  start(): void {
    this.#timers.push(
      setInterval(() => this.#flushDepth('100ms'), 100),
      setInterval(() => {
        this.#flushDepth('1000ms');
        this.#publishTickers();
      }, 1_000),
    );
  }

  stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers.length = 0;
    this.dropConnections();
    this.#wss.close();
  }

  /** Server time: the local clock plus the clock-offset fault, epoch ms. */
  now(): number {
    return Date.now() + this.#faults.clockOffsetMillis;
  }

  /** One market step for every symbol: the book follows, resting orders fill, the crowd trades. None while the market is frozen. */
  tick(): void {
    if (this.#faults.marketFrozen) return;
    for (const listing of this.#listings.values()) {
      const id = listing.symbol.symbol;
      listing.book.regenerate(this.#market.step(id));
      for (const account of this.#accounts.values()) account.match(id);
      if (this.#random.next() < CROWD_TRADE_CHANCE) this.#crowdTrade(listing);
      listing.book.commit();
      this.#publishBookTicker(listing);
    }
  }

  /** Serves a REST request under `/api`, `/sapi`, `/fapi` or `/dapi`; false for any other path. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean {
    return handleRest(this, req, res);
  }

  /** Takes a WebSocket upgrade for `/ws/<streams>`, `/stream` or `/ws-api/v3`; false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = url.pathname === '/ws-api/v3';
    if (!api && !url.pathname.startsWith('/ws/') && url.pathname !== '/stream' && !url.pathname.startsWith('/stream/')) return false;
    if (this.unavailable()) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      if (api) this.#wsApi.accept(ws, clientIp(req));
      else this.#streams.accept(ws, url);
    });
    return true;
  }

  dropConnections(): void {
    this.#streams.dropAll();
    this.#wsApi.dropAll();
  }

  /** Forgets request-weight usage, bans and order counts (with `/control/reset`). */
  resetLimits(): void {
    this.weights.reset();
    this.sapiWeights.reset();
    this.#orderCounters.clear();
  }

  /** The book of `symbol` right after `updateId`, while among its last 64 commits. */
  bookAt(symbol: string, updateId: number): BookState | undefined {
    return this.#listings.get(symbol)?.book.stateAt(updateId);
  }

  /** Counts for tests and the control API. */
  state(): Record<string, unknown> {
    let openOrders = 0;
    for (const account of this.#accounts.values()) openOrders += account.openOrderCount;
    const now = this.now();
    return {
      streamConnections: this.#streams.connections,
      wsApiConnections: this.#wsApi.connections,
      userDataSubscriptions: this.#wsApi.subscriptions,
      orderRequests: this.#orderRequests,
      openOrders,
      serverTime: now,
      weight: this.weights.snapshot(now),
      lastUpdateIds: Object.fromEntries([...this.#listings].map(([id, listing]) => [id, listing.book.lastUpdateId])),
    };
  }

  // RestVenue and WsApiVenue
  book(symbol: string): SyntheticBook | undefined {
    return this.#listings.get(symbol)?.book;
  }

  tape(symbol: string): Tape | undefined {
    return this.#listings.get(symbol)?.tape;
  }

  exchangeInfo(symbols: readonly SpotSymbol[]): Record<string, unknown> {
    return exchangeInfo(symbols, this.#budget(), this.#orderLimits(), this.priceBand, this.now());
  }

  makeClientOrderId(): string {
    return randomBytes(11).toString('hex');
  }

  commissionRates(): FeeRates {
    return this.fees();
  }

  fees(): FeeRates {
    return this.#faults.fees ?? this.#options.fees ?? { maker: 0.001, taker: 0.001 };
  }

  get priceBand(): number {
    return this.#options.priceBand ?? 0.05;
  }

  get faults(): Faults {
    return this.#faults;
  }

  account(apiKey: string): SpotAccount {
    let account = this.#accounts.get(apiKey);
    if (account === undefined) {
      account = new SpotAccount(apiKey, this, this.#options.balances ?? DEFAULT_SPOT_BALANCES);
      this.#accounts.set(apiKey, account);
    }
    return account;
  }

  orderCounter(apiKey: string): OrderCounter {
    let counter = this.#orderCounters.get(apiKey);
    if (counter === undefined) {
      counter = new OrderCounter(this.#orderLimits());
      this.#orderCounters.set(apiKey, counter);
    }
    return counter;
  }

  firstFill(account: SpotAccount, isMaker: boolean): void {
    this.orderCounter(account.apiKey).credit(isMaker ? FIRST_FILL_CREDIT.maker : FIRST_FILL_CREDIT.taker, this.now());
  }

  nextOrderId(): number {
    return this.#nextOrderId++;
  }

  publicTrade(symbol: string, price: number, quantity: number, buyerMaker: boolean, time: number): number {
    const listing = this.#listings.get(symbol);
    if (listing === undefined) return -1;
    return this.#recordTrade(listing, price, quantity, buyerMaker, time);
  }

  unavailable(): boolean {
    return Date.now() < this.#faults.refuseConnectionsUntil;
  }

  silent(): boolean {
    return this.#faults.isSilent(Date.now());
  }

  weightLimit(): number {
    return this.#budget().limit;
  }

  travel(): Promise<void> {
    const millis = drawLatency(this.#latency, this.#random, this.#faults.extraLatencyMillis);
    return new Promise((resolve) => setTimeout(resolve, millis));
  }

  countOrderRequest(): void {
    this.#orderRequests++;
  }

  #budget(): WeightBudgetFault {
    return this.#faults.weightBudget ?? this.#options.weightBudget ?? DEFAULT_WEIGHT_BUDGET;
  }

  #orderLimits(): { per10s: number; perDay: number } {
    return this.#options.orderLimits ?? DEFAULT_ORDER_LIMITS;
  }

  #crowdTrade(listing: Listing): void {
    const { bid, ask } = listing.book.top();
    const buy = this.#random.next() < 0.5;
    const level = buy ? ask : bid;
    if (level === undefined) return;
    const quantity = Math.max(listing.symbol.minQty, Number((level[1] * (0.05 + 0.25 * this.#random.next())).toFixed(8)));
    this.#recordTrade(listing, level[0] * listing.symbol.tickSize, Number(quantity.toFixed(8)), !buy, this.now());
  }

  #recordTrade(listing: Listing, price: number, quantity: number, buyerMaker: boolean, time: number): number {
    const trade = listing.tape.record(price, quantity, time, buyerMaker);
    const s = listing.symbol.symbol;
    this.#publish(s, 'trade', { e: 'trade', E: time, s, t: trade.id, p: decimal(price), q: decimal(quantity), T: time, m: buyerMaker, M: true });
    this.#publish(s, 'aggTrade', { e: 'aggTrade', E: time, s, a: trade.id, p: decimal(price), q: decimal(quantity), f: trade.id, l: trade.id, T: time, m: buyerMaker, M: true });
    return trade.id;
  }

  #publishBookTicker(listing: Listing): void {
    const { bid, ask } = listing.book.top();
    const top = `${bid?.join()}|${ask?.join()}`;
    if (top === listing.lastTop) return;
    listing.lastTop = top;
    const book = listing.book;
    this.#publish(listing.symbol.symbol, 'bookTicker', {
      u: book.lastUpdateId,
      s: listing.symbol.symbol,
      b: book.price(bid?.[0] ?? 0),
      B: decimal(bid?.[1] ?? 0),
      a: book.price(ask?.[0] ?? 0),
      A: decimal(ask?.[1] ?? 0),
    });
  }

  #publishTickers(): void {
    const now = this.now();
    for (const listing of this.#listings.values()) {
      const stats = listing.tape.stats(now);
      const { bid, ask } = listing.book.top();
      const s = listing.symbol.symbol;
      const mini = { e: '24hrMiniTicker', E: now, s, c: stats.lastPrice, o: stats.openPrice, h: stats.highPrice, l: stats.lowPrice, v: stats.volume, q: stats.quoteVolume };
      this.#publish(s, 'miniTicker', mini);
      this.#publish(s, 'ticker', {
        ...mini,
        e: '24hrTicker',
        p: stats.priceChange,
        P: stats.priceChangePercent,
        w: stats.weightedAvgPrice,
        x: stats.prevClosePrice,
        Q: stats.lastQty,
        b: listing.book.price(bid?.[0] ?? 0),
        B: decimal(bid?.[1] ?? 0),
        a: listing.book.price(ask?.[0] ?? 0),
        A: decimal(ask?.[1] ?? 0),
        O: stats.openTime,
        C: stats.closeTime,
        F: stats.firstId,
        L: stats.lastId,
        n: stats.count,
      });
    }
  }

  /** Sends each symbol's merged diff for `speed`; a silenced symbol keeps collecting, a gap fault drops the event. */
  #flushDepth(speed: DepthSpeed): void {
    const now = Date.now();
    for (const listing of this.#listings.values()) {
      const id = listing.symbol.symbol;
      if (this.#faults.isSymbolSilent(id, now)) continue;
      const update = listing.diffs[speed].take(this.now());
      if (update === undefined || this.#faults.takeDepthGap(id, speed)) continue;
      for (const kind of DEPTH_SPEEDS[speed]) this.#publish(id, kind, update);
    }
  }

  #publish(symbol: string, kind: string, event: unknown): void {
    if (this.#faults.isSymbolSilent(symbol, Date.now())) return;
    this.#streams.publish(`${symbol.toLowerCase()}@${kind}`, event);
  }
}

/** The depth stream speeds a gap fault applies to. */
export const DEPTH_STREAM_SPEEDS: readonly string[] = Object.keys(DEPTH_SPEEDS);
