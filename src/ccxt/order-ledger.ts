import type { FillFee, OrderIntent } from '../tracing/order-intent.js';
import type { OrderTrace } from '../tracing/order-trace.js';
import { type CcxtOrderFields, type CcxtTradeFields, idOf } from './ccxt-shapes.js';
import { applyOrder, applyTrade, feeOf, type FillProgress } from './order-progress.js';

/** Charges a fee to an order's metrics after its lifecycle ended. */
export type LateFee = (intent: OrderIntent, fee: FillFee) => void;

/** Finished orders remembered, so fees reported after the end still count: the most recent ones. */
const FINISHED_KEPT = 1_000;

/** A finished order, by exchange order id: what it was, and the trades already charged. */
interface FinishedOrder {
  readonly intent: OrderIntent;
  readonly tradeIds: Set<string>;
}

/** An order `createOrder` placed, as the ledger follows it. */
export interface TrackedOrder extends FillProgress {
  readonly trace: OrderTrace;
  exchangeOrderId: string | undefined;
}

/**
 * The orders placed through the instrumented exchanges of one venue (a facade and an exchange
 * id), found again by exchange order id or client order id in whatever answer mentions them:
 * the `createOrder` response, `watchOrders` and `watchMyTrades` updates, `fetchOrder`,
 * `fetchOpenOrders`, `cancelOrder` results. Answers about orders it does not follow (placed
 * before instrumenting, or by another process) are ignored. At most `limit` orders are held;
 * finished ones leave at once, and past the limit the oldest go. The most recent finished ones
 * are remembered by exchange order id, so a trade reported after its order's end (a
 * `watchMyTrades` update that comes after `watchOrders` said closed) still has its fee charged,
 * through `lateFee`, once.
 */
export class OrderLedger {
  readonly #byClientId = new Map<string, TrackedOrder>();
  readonly #byExchangeId = new Map<string, TrackedOrder>();
  readonly #finished = new Map<string, FinishedOrder>();
  readonly #limit: number;
  readonly #lateFee: LateFee;

  constructor(limit: number, lateFee: LateFee) {
    this.#limit = limit;
    this.#lateFee = lateFee;
  }

  /** Starts following `trace` (of an order of `amount` base units). */
  follow(trace: OrderTrace, amount: number): TrackedOrder {
    const tracked: TrackedOrder = { trace, exchangeOrderId: undefined, amount, byOrders: { filled: 0, cost: 0 }, byTrades: { filled: 0, cost: 0 }, reported: 0, tradeIds: new Set(), pendingFees: new Map() };
    this.#byClientId.set(trace.correlationId, tracked);
    this.#bound();
    return tracked;
  }

  /** Stops following `tracked` (its lifecycle ended elsewhere: a rejected createOrder). */
  forget(tracked: TrackedOrder): void {
    if (this.#byClientId.get(tracked.trace.correlationId) === tracked) this.#byClientId.delete(tracked.trace.correlationId);
    if (tracked.exchangeOrderId !== undefined && this.#byExchangeId.get(tracked.exchangeOrderId) === tracked) this.#byExchangeId.delete(tracked.exchangeOrderId);
  }

  /** Applies one unified order from any answer. */
  order(order: CcxtOrderFields): void {
    const tracked = this.#find(idOf(order.id), idOf(order.clientOrderId));
    if (tracked === undefined) return;
    applyOrder(tracked, order);
    this.#settle(tracked);
  }

  /** Applies one unified trade (an execution of one of our orders). */
  trade(trade: CcxtTradeFields): void {
    const exchangeOrderId = idOf(trade.order);
    const tracked = this.#find(exchangeOrderId, undefined);
    if (tracked !== undefined) {
      applyTrade(tracked, trade);
      this.#settle(tracked);
      return;
    }
    const finished = exchangeOrderId === undefined ? undefined : this.#finished.get(exchangeOrderId);
    const id = idOf(trade.id);
    const fee = feeOf(trade);
    if (finished === undefined || id === undefined || fee === undefined || finished.tradeIds.has(id)) return;
    finished.tradeIds.add(id);
    this.#lateFee(finished.intent, fee);
  }

  /** The open order with the exchange order id `exchangeOrderId`, if it is one the ledger follows. */
  open(exchangeOrderId: string | undefined): TrackedOrder | undefined {
    const tracked = exchangeOrderId === undefined ? undefined : this.#byExchangeId.get(exchangeOrderId);
    return tracked === undefined || tracked.trace.done ? undefined : tracked;
  }

  /** Orders followed now. */
  get size(): number {
    return this.#byClientId.size;
  }

  #find(exchangeOrderId: string | undefined, clientOrderId: string | undefined): TrackedOrder | undefined {
    const byId = exchangeOrderId === undefined ? undefined : this.#byExchangeId.get(exchangeOrderId);
    if (byId !== undefined) return byId;
    const byClient = clientOrderId === undefined ? undefined : this.#byClientId.get(clientOrderId);
    if (byClient !== undefined && exchangeOrderId !== undefined && byClient.exchangeOrderId === undefined) {
      byClient.exchangeOrderId = exchangeOrderId;
      this.#byExchangeId.set(exchangeOrderId, byClient);
    }
    return byClient;
  }

  /** Forgets `tracked` once its lifecycle ended (here, by a timeout, or by anything else). */
  #settle(tracked: TrackedOrder): void {
    if (!tracked.trace.done) return;
    this.forget(tracked);
    // Fees of a second currency no fill carried, charged now.
    for (const [currency, cost] of tracked.pendingFees) this.#lateFee(tracked.trace.intent, { cost, currency });
    tracked.pendingFees.clear();
    if (tracked.exchangeOrderId === undefined) return;
    this.#finished.set(tracked.exchangeOrderId, { intent: tracked.trace.intent, tradeIds: tracked.tradeIds });
    if (this.#finished.size > FINISHED_KEPT) this.#finished.delete(this.#finished.keys().next().value ?? '');
  }

  #bound(): void {
    if (this.#byClientId.size <= this.#limit) return;
    for (const tracked of this.#byClientId.values()) {
      if (this.#byClientId.size <= this.#limit) return;
      this.forget(tracked);
    }
  }
}
