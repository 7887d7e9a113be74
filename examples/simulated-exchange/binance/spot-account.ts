import type { ExchangeRejectReason } from '../faults.js';
import type { FeeRates, Faults } from '../faults.js';
import { BinanceError, filterFailure, INSUFFICIENT_BALANCE, invalidSymbol, orderRejected } from './binance-error.js';
import { decimal, isMultipleOf } from './decimal.js';
import type { NewOrder } from './new-order.js';
import type { SyntheticBook, Take } from './order-book.js';
import { executionReport, type ExecutionType, type Fill, isOpen, type SpotOrder } from './spot-order.js';
import type { SpotSymbol } from './symbols.js';

/** Closed orders and own trades each account keeps for queries. */
const HISTORY = 1_000;
/** Balances below this are float noise. */
const EPSILON = 1e-9;

/** What an account needs from its venue. */
export interface AccountVenue {
  readonly faults: Faults;
  book(symbol: string): SyntheticBook | undefined;
  fees(): FeeRates;
  /** Server time (the clock offset fault included), epoch ms. */
  now(): number;
  nextOrderId(): number;
  /** Told when one of `account`'s orders trades for the first time (the unfilled-order count gives it back). */
  firstFill(account: SpotAccount, isMaker: boolean): void;
  /** Puts a fill on the symbol's public tape; returns its trade id. */
  publicTrade(symbol: string, price: number, quantity: number, buyerMaker: boolean, time: number): number;
  /** Limit prices further than this share from the mid are refused (PERCENT_PRICE_BY_SIDE). */
  readonly priceBand: number;
}

/** One of the account's own trades, as `GET /api/v3/myTrades` returns it. */
export type AccountTrade = Readonly<Record<string, string | number | boolean>>;

/** An order reference: by exchange id or by the client's id. */
export type OrderRef = { readonly orderId: number } | { readonly clientOrderId: string };

interface Balance {
  free: number;
  locked: number;
}

/**
 * One API key's spot account: balances (free and locked), orders, matching against the
 * symbol's synthetic book and commissions. Takers consume the book's liquidity at once;
 * resting orders fill as makers whenever the book moves through them, so partial fills
 * happen naturally. Each change is told to `listener` as Binance user-data events.
 */
export class SpotAccount {
  readonly apiKey: string;
  readonly #venue: AccountVenue;
  readonly #balances = new Map<string, Balance>();
  readonly #open = new Map<number, SpotOrder>();
  readonly #closed: SpotOrder[] = [];
  readonly #trades: AccountTrade[] = [];
  readonly #changedAssets = new Set<string>();
  readonly #listeners = new Set<(event: Record<string, unknown>) => void>();
  #updateTime = 0;

  constructor(apiKey: string, venue: AccountVenue, balances: Readonly<Record<string, number>>) {
    this.apiKey = apiKey;
    this.#venue = venue;
    for (const [asset, free] of Object.entries(balances)) this.#balances.set(asset, { free, locked: 0 });
  }

  /** Subscribes to the account's user-data events; returns the unsubscribe. */
  subscribe(listener: (event: Record<string, unknown>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get openOrderCount(): number {
    return this.#open.size;
  }

  /** Places an order: filters, balance, then as taker against the book. Throws a {@link BinanceError} on refusal. */
  place(request: NewOrder): { order: SpotOrder; fills: Fill[] } {
    const burst = this.#venue.faults.takeBurstRejection();
    if (burst !== undefined) throw burstError(burst);
    const symbol = request.symbol;
    const book = this.#venue.book(symbol.symbol);
    if (book === undefined) throw invalidSymbol();
    this.#checkFilters(request, book);
    for (const open of this.#open.values()) if (open.clientOrderId === request.clientOrderId) throw orderRejected('Duplicate order sent.');
    const priceTicks = request.price === undefined ? undefined : Math.round(request.price / symbol.tickSize);
    if (request.type === 'LIMIT_MAKER' && priceTicks !== undefined && book.peek(request.side, priceTicks, Infinity).length > 0) {
      throw orderRejected('Order would immediately match and take.');
    }
    const now = this.#venue.now();
    this.#reserve(request, book);
    const order: SpotOrder = {
      orderId: this.#venue.nextOrderId(),
      clientOrderId: request.clientOrderId,
      symbol: symbol.symbol,
      side: request.side,
      type: request.type,
      timeInForce: request.type === 'MARKET' ? undefined : (request.timeInForce ?? 'GTC'),
      price: request.price ?? 0,
      origQty: request.quantity ?? 0,
      origQuoteOrderQty: request.quoteOrderQty ?? 0,
      executedQty: 0,
      cummulativeQuoteQty: 0,
      status: 'NEW',
      time: now,
      updateTime: now,
    };
    this.#open.set(order.orderId, order);
    this.#report(order, 'NEW', now);
    const fills = this.#venue.faults.fillsEnabled ? this.#takeLiquidity(order, request, book, priceTicks, now) : [];
    if (isOpen(order) && (order.type === 'MARKET' || order.timeInForce === 'IOC' || order.timeInForce === 'FOK')) this.#finish(order, 'EXPIRED', now);
    book.commit();
    this.#publishBalances(now);
    return { order, fills };
  }

  /** Cancels an open order; `cancelClientOrderId` is the cancel request's own id. Throws -2011 when there is none. */
  cancel(symbol: string, ref: OrderRef, cancelClientOrderId: string): SpotOrder {
    const order = this.#findOpen(symbol, ref);
    if (order === undefined) throw new BinanceError(400, -2011, 'Unknown order sent.');
    const now = this.#venue.now();
    this.#finish(order, 'CANCELED', now, cancelClientOrderId);
    this.#publishBalances(now);
    return order;
  }

  /** Cancels every open order of `symbol`. Throws -2011 when there is none. */
  cancelAll(symbol: string, cancelClientOrderId: () => string): SpotOrder[] {
    const orders = [...this.#open.values()].filter((order) => order.symbol === symbol);
    if (orders.length === 0) throw new BinanceError(400, -2011, 'Unknown order sent.');
    const now = this.#venue.now();
    for (const order of orders) this.#finish(order, 'CANCELED', now, cancelClientOrderId());
    this.#publishBalances(now);
    return orders;
  }

  /** An open or recently closed order. */
  find(symbol: string, ref: OrderRef): SpotOrder | undefined {
    return this.#findOpen(symbol, ref) ?? this.#closed.find((order) => order.symbol === symbol && matches(order, ref));
  }

  /** Open orders, of one symbol or all, oldest first. */
  openOrders(symbol?: string): SpotOrder[] {
    return [...this.#open.values()].filter((order) => symbol === undefined || order.symbol === symbol);
  }

  /** Open and kept closed orders of `symbol`, oldest first. */
  allOrders(symbol: string): SpotOrder[] {
    return [...this.#closed, ...this.#open.values()].filter((order) => order.symbol === symbol).sort((a, b) => a.orderId - b.orderId);
  }

  /** Own trades of `symbol`, oldest first. */
  trades(symbol: string): AccountTrade[] {
    return this.#trades.filter((trade) => trade.symbol === symbol);
  }

  /** Every asset's free and locked balance. */
  balances(): { asset: string; free: string; locked: string }[] {
    return [...this.#balances.entries()].map(([asset, balance]) => ({ asset, free: decimal(balance.free), locked: decimal(balance.locked) }));
  }

  get updateTime(): number {
    return this.#updateTime;
  }

  /** Fills resting orders of `symbol` that the book now crosses, as makers at their limit price. The caller commits the book. */
  match(symbol: string): void {
    const book = this.#venue.book(symbol);
    const faults = this.#venue.faults;
    if (book === undefined || !faults.fillsEnabled || !faults.restingFillsEnabled) return;
    const now = this.#venue.now();
    for (const order of this.#open.values()) {
      if (order.symbol !== symbol) continue;
      const priceTicks = Math.round(order.price / book.symbol.tickSize);
      for (const take of book.take(order.side, priceTicks, order.origQty - order.executedQty)) this.#fill(order, order.price, take.quantity, true, now);
    }
    this.#publishBalances(now);
  }

  #checkFilters(request: NewOrder, book: SyntheticBook): void {
    const symbol = book.symbol;
    const { bid, ask } = book.top();
    const mid = bid !== undefined && ask !== undefined ? ((bid[0] + ask[0]) / 2) * symbol.tickSize : symbol.startPrice;
    if (request.price !== undefined) {
      if (!isMultipleOf(request.price, symbol.tickSize) || request.price < symbol.tickSize || request.price > 1_000_000) throw filterFailure('PRICE_FILTER');
      const band = this.#venue.priceBand;
      if (request.price > mid * (1 + band) || request.price < mid * (1 - band)) throw filterFailure('PERCENT_PRICE_BY_SIDE');
    }
    if (request.quantity !== undefined) {
      const filter = request.type === 'MARKET' ? 'MARKET_LOT_SIZE' : 'LOT_SIZE';
      if (request.quantity < symbol.minQty || request.quantity > symbol.maxQty || !isMultipleOf(request.quantity, symbol.stepSize)) throw filterFailure(filter);
    }
    const notional = request.quoteOrderQty ?? (request.quantity ?? 0) * (request.price ?? mid);
    if (notional < symbol.minNotional || notional > symbol.maxNotional) throw filterFailure('NOTIONAL');
  }

  /** Checks and locks what the order may spend; a market order only checks what the book would cost now. */
  #reserve(request: NewOrder, book: SyntheticBook): void {
    const symbol = request.symbol;
    const base = this.#balance(symbol.baseAsset);
    const quote = this.#balance(symbol.quoteAsset);
    if (request.side === 'SELL') {
      const quantity = request.quantity ?? 0;
      if (base.free + EPSILON < quantity) throw orderRejected(INSUFFICIENT_BALANCE);
      if (request.type !== 'MARKET') this.#move(symbol.baseAsset, -quantity, quantity);
      return;
    }
    if (request.type === 'MARKET') {
      const cost = request.quoteOrderQty ?? costOf(book.peek('BUY', undefined, request.quantity ?? 0), symbol);
      if (quote.free + EPSILON < cost) throw orderRejected(INSUFFICIENT_BALANCE);
      return;
    }
    const cost = (request.price ?? 0) * (request.quantity ?? 0);
    if (quote.free + EPSILON < cost) throw orderRejected(INSUFFICIENT_BALANCE);
    this.#move(symbol.quoteAsset, -cost, cost);
  }

  #takeLiquidity(order: SpotOrder, request: NewOrder, book: SyntheticBook, priceTicks: number | undefined, now: number): Fill[] {
    if (order.timeInForce === 'FOK') {
      const available = book.peek(order.side, priceTicks, order.origQty).reduce((sum, take) => sum + take.quantity, 0);
      if (available + EPSILON < order.origQty) return [];
    }
    const takes = request.quoteOrderQty === undefined ? book.take(order.side, priceTicks, order.origQty) : book.take(order.side, undefined, Infinity, request.quoteOrderQty);
    if (request.quoteOrderQty !== undefined) order.origQty = takes.reduce((sum, take) => sum + take.quantity, 0);
    return takes.map((take) => this.#fill(order, take.priceTicks * book.symbol.tickSize, take.quantity, false, now));
  }

  #fill(order: SpotOrder, price: number, quantity: number, isMaker: boolean, now: number): Fill {
    const book = this.#venue.book(order.symbol);
    if (book === undefined) throw invalidSymbol();
    const { baseAsset, quoteAsset } = book.symbol;
    const rates = this.#venue.fees();
    const rate = isMaker ? rates.maker : rates.taker;
    const reserved = order.type !== 'MARKET';
    let commission: number;
    let commissionAsset: string;
    if (order.side === 'BUY') {
      commission = round8(quantity * rate);
      commissionAsset = baseAsset;
      this.#move(baseAsset, quantity - commission, 0);
      if (reserved) this.#move(quoteAsset, (order.price - price) * quantity, -order.price * quantity);
      else this.#move(quoteAsset, -price * quantity, 0);
    } else {
      commission = round8(price * quantity * rate);
      commissionAsset = quoteAsset;
      if (reserved) this.#move(baseAsset, 0, -quantity);
      else this.#move(baseAsset, -quantity, 0);
      this.#move(quoteAsset, price * quantity - commission, 0);
    }
    if (order.executedQty === 0) this.#venue.firstFill(this, isMaker);
    order.executedQty = round8(order.executedQty + quantity);
    order.cummulativeQuoteQty = round8(order.cummulativeQuoteQty + price * quantity);
    order.updateTime = now;
    order.status = order.executedQty + EPSILON >= order.origQty ? 'FILLED' : 'PARTIALLY_FILLED';
    const buyerMaker = order.side === 'BUY' ? isMaker : !isMaker;
    const tradeId = this.#venue.publicTrade(order.symbol, price, quantity, buyerMaker, now);
    const fill: Fill = { tradeId, price, quantity, commission, commissionAsset, isMaker, time: now };
    this.#keep(this.#trades, {
      symbol: order.symbol,
      id: tradeId,
      orderId: order.orderId,
      orderListId: -1,
      price: decimal(price),
      qty: decimal(quantity),
      quoteQty: decimal(price * quantity),
      commission: decimal(commission),
      commissionAsset,
      time: now,
      isBuyer: order.side === 'BUY',
      isMaker,
      isBestMatch: true,
    });
    if (order.status === 'FILLED') this.#close(order);
    this.#report(order, 'TRADE', now, { fill });
    return fill;
  }

  /** Ends an open order (cancel or expiry) and releases what it still had locked. */
  #finish(order: SpotOrder, status: 'CANCELED' | 'EXPIRED', now: number, cancelClientOrderId?: string): void {
    const left = order.origQty - order.executedQty;
    if (order.type !== 'MARKET' && left > 0) {
      const book = this.#venue.book(order.symbol);
      if (book !== undefined) {
        if (order.side === 'BUY') this.#move(book.symbol.quoteAsset, order.price * left, -order.price * left);
        else this.#move(book.symbol.baseAsset, left, -left);
      }
    }
    order.status = status;
    order.updateTime = now;
    this.#close(order);
    this.#report(order, status, now, cancelClientOrderId === undefined ? {} : { cancelClientOrderId });
  }

  #close(order: SpotOrder): void {
    this.#open.delete(order.orderId);
    this.#keep(this.#closed, order);
  }

  #findOpen(symbol: string, ref: OrderRef): SpotOrder | undefined {
    for (const order of this.#open.values()) if (order.symbol === symbol && matches(order, ref)) return order;
    return undefined;
  }

  #balance(asset: string): Balance {
    let balance = this.#balances.get(asset);
    if (balance === undefined) {
      balance = { free: 0, locked: 0 };
      this.#balances.set(asset, balance);
    }
    return balance;
  }

  #move(asset: string, free: number, locked: number): void {
    const balance = this.#balance(asset);
    balance.free = clean(balance.free + free);
    balance.locked = clean(balance.locked + locked);
    this.#changedAssets.add(asset);
  }

  #keep<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > HISTORY) list.shift();
  }

  #report(order: SpotOrder, type: ExecutionType, now: number, extra: { fill?: Fill; cancelClientOrderId?: string } = {}): void {
    this.#emit(executionReport(order, { type, time: now, ...extra }));
  }

  /** Sends an `outboundAccountPosition` with every asset changed since the last one. */
  #publishBalances(now: number): void {
    if (this.#changedAssets.size === 0) return;
    this.#updateTime = now;
    const B = [...this.#changedAssets].map((asset) => {
      const balance = this.#balance(asset);
      return { a: asset, f: decimal(balance.free), l: decimal(balance.locked) };
    });
    this.#changedAssets.clear();
    this.#emit({ e: 'outboundAccountPosition', E: now, u: now, B });
  }

  #emit(event: Record<string, unknown>): void {
    for (const listener of this.#listeners) listener(event);
  }
}

function matches(order: SpotOrder, ref: OrderRef): boolean {
  return 'orderId' in ref ? order.orderId === ref.orderId : order.clientOrderId === ref.clientOrderId;
}

function costOf(takes: readonly Take[], symbol: SpotSymbol): number {
  return takes.reduce((sum, take) => sum + take.priceTicks * symbol.tickSize * take.quantity, 0);
}

const round8 = (value: number): number => Math.round(value * 1e8) / 1e8;
const clean = (value: number): number => (Math.abs(value) < EPSILON ? 0 : round8(value));

/** The Binance answer an injected rejection burst gives, by the simulator's reject reason. */
function burstError(reason: ExchangeRejectReason): BinanceError {
  switch (reason) {
    case 'insufficient_balance':
      return orderRejected(INSUFFICIENT_BALANCE);
    case 'price_out_of_band':
      return filterFailure('PERCENT_PRICE_BY_SIDE');
    case 'rate_limited':
      return new BinanceError(429, -1015, 'Too many new orders; current limit is 100 orders per 10 SECOND.', 1);
    case 'unknown_symbol':
      return invalidSymbol();
    case 'invalid_order':
      return filterFailure('LOT_SIZE');
  }
}
