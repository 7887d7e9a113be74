import type { Faults } from './faults.js';
import type { Market, Quote } from './market.js';
import type { ClientMessage, ExchangeRejectReason, ServerMessage } from './protocol.js';
import type { Random } from './random.js';

/** Limits every account gets. */
export interface AccountLimits {
  /** Starting quote-currency balance. Default 1,000,000. */
  readonly quoteBalance?: number;
  /** Largest short position in quote terms per symbol. Default 250,000. */
  readonly maxShortNotional?: number;
  /** Orders per second allowed (token bucket, burst of twice that). Default 50. */
  readonly maxOrdersPerSecond?: number;
  /** Limit prices further than this from the mid are refused. Default 0.05 (5 %). */
  readonly priceBand?: number;
}

interface RestingOrder {
  readonly clientOrderId: string;
  readonly exchangeOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  /** Limit price, or undefined for a market order (fills at the touch). */
  readonly price: number | undefined;
  remaining: number;
}

/**
 * One connection's trading account: balances, rate limit, risk checks, resting orders and
 * matching against the market's top of book. Orders fill in chunks when they cross, so
 * partial fills happen naturally. Emits protocol messages through `send`.
 */
export class Account {
  readonly #market: Market;
  readonly #faults: Faults;
  readonly #random: Random;
  readonly #send: (message: ServerMessage) => void;
  readonly #now: () => number;
  readonly #orders = new Map<string, RestingOrder>();
  readonly #positions = new Map<string, number>();
  #quote: number;
  #tokens: number;
  #tokensAt: number;
  #nextId = 1;
  readonly #limits: Required<AccountLimits>;

  constructor(deps: { market: Market; faults: Faults; random: Random; send: (m: ServerMessage) => void; now: () => number }, limits: AccountLimits = {}) {
    this.#market = deps.market;
    this.#faults = deps.faults;
    this.#random = deps.random;
    this.#send = deps.send;
    this.#now = deps.now;
    this.#limits = {
      quoteBalance: limits.quoteBalance ?? 1_000_000,
      maxShortNotional: limits.maxShortNotional ?? 250_000,
      maxOrdersPerSecond: limits.maxOrdersPerSecond ?? 50,
      priceBand: limits.priceBand ?? 0.05,
    };
    this.#quote = this.#limits.quoteBalance;
    this.#tokens = this.#limits.maxOrdersPerSecond * 2;
    this.#tokensAt = deps.now();
  }

  /** Open orders resting on the book. */
  get openOrders(): number {
    return this.#orders.size;
  }

  handle(message: ClientMessage): void {
    if (message.type === 'cancel') {
      this.#cancel(message.clientOrderId);
      return;
    }
    const problem = this.#check(message);
    if (problem !== undefined) {
      this.#send({ type: 'reject', clientOrderId: message.clientOrderId, reason: problem.reason, message: problem.message, ts: this.#now() });
      return;
    }
    const order: RestingOrder = {
      clientOrderId: message.clientOrderId,
      exchangeOrderId: `SIM-${this.#nextId++}`,
      symbol: message.symbol,
      side: message.side,
      price: message.orderType === 'limit' ? message.price : undefined,
      remaining: message.quantity,
    };
    this.#orders.set(order.clientOrderId, order);
    this.#send({ type: 'ack', clientOrderId: order.clientOrderId, exchangeOrderId: order.exchangeOrderId, ts: this.#now() });
    this.#match(order, this.#market.quote(order.symbol));
  }

  /** Matches resting orders of `quote.symbol` against the new top of book. */
  onQuote(quote: Quote): void {
    for (const order of this.#orders.values()) if (order.symbol === quote.symbol) this.#match(order, quote);
  }

  #check(order: Extract<ClientMessage, { type: 'place' }>): { reason: ExchangeRejectReason; message: string } | undefined {
    const burst = this.#faults.takeBurstRejection();
    if (burst !== undefined) return { reason: burst, message: 'injected rejection burst' };
    if (!this.#takeToken()) return { reason: 'rate_limited', message: `more than ${this.#limits.maxOrdersPerSecond} orders per second` };
    if (!this.#market.has(order.symbol)) return { reason: 'unknown_symbol', message: `${order.symbol} is not listed` };
    if (!(order.quantity > 0) || !Number.isFinite(order.quantity)) return { reason: 'invalid_order', message: 'quantity must be positive' };
    if (order.orderType === 'limit' && !(order.price !== undefined && order.price > 0)) return { reason: 'invalid_order', message: 'a limit order needs a price' };
    if (this.#orders.has(order.clientOrderId)) return { reason: 'invalid_order', message: 'duplicate client order id' };
    const mid = this.#market.quote(order.symbol).price;
    const price = order.price ?? mid;
    if (Math.abs(price - mid) / mid > this.#limits.priceBand) {
      return { reason: 'price_out_of_band', message: `${price.toFixed(2)} is more than ${this.#limits.priceBand * 100}% from ${mid.toFixed(2)}` };
    }
    const notional = price * order.quantity;
    if (order.side === 'buy' && notional > this.#quote) return { reason: 'insufficient_balance', message: `needs ${notional.toFixed(2)}, has ${this.#quote.toFixed(2)}` };
    const position = this.#positions.get(order.symbol) ?? 0;
    if (order.side === 'sell' && (order.quantity - Math.max(0, position)) * price > this.#limits.maxShortNotional) {
      return { reason: 'insufficient_balance', message: `short beyond ${this.#limits.maxShortNotional} of ${order.symbol}` };
    }
    return undefined;
  }

  #takeToken(): boolean {
    const now = this.#now();
    const rate = this.#limits.maxOrdersPerSecond;
    this.#tokens = Math.min(rate * 2, this.#tokens + ((now - this.#tokensAt) / 1000) * rate);
    this.#tokensAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }

  #match(order: RestingOrder, quote: Quote): void {
    if (!this.#faults.fillsEnabled) return;
    const touch = order.side === 'buy' ? quote.ask : quote.bid;
    const crosses = order.price === undefined || (order.side === 'buy' ? order.price >= touch : order.price <= touch);
    if (!crosses) return;
    // Fill a chunk: half the time all of it, otherwise 30-90 %, so partial fills are common.
    const share = this.#random.next() < 0.5 ? 1 : 0.3 + 0.6 * this.#random.next();
    const quantity = share >= 1 ? order.remaining : Math.max(Math.min(order.remaining, order.remaining * share), Math.min(order.remaining, 1e-8));
    const slip = order.price === undefined ? touch * 0.0002 * this.#random.next() * (order.side === 'buy' ? 1 : -1) : 0;
    // A limit order that crosses fills at the touch: never worse than its limit.
    const limitFill = order.side === 'buy' ? Math.min(order.price ?? touch, touch) : Math.max(order.price ?? touch, touch);
    const price = order.price === undefined ? touch + slip : limitFill;
    order.remaining = order.remaining - quantity <= 1e-12 ? 0 : order.remaining - quantity;
    const signed = order.side === 'buy' ? quantity : -quantity;
    this.#positions.set(order.symbol, (this.#positions.get(order.symbol) ?? 0) + signed);
    this.#quote -= signed * price;
    this.#send({
      type: 'fill',
      clientOrderId: order.clientOrderId,
      exchangeOrderId: order.exchangeOrderId,
      quantity,
      price,
      remaining: order.remaining,
      ts: this.#now(),
    });
    if (order.remaining === 0) this.#orders.delete(order.clientOrderId);
  }

  #cancel(clientOrderId: string): void {
    if (this.#orders.delete(clientOrderId)) {
      this.#send({ type: 'cancelled', clientOrderId, ts: this.#now() });
    } else {
      this.#send({ type: 'reject', clientOrderId, reason: 'invalid_order', message: 'no open order with that id', ts: this.#now() });
    }
  }
}
