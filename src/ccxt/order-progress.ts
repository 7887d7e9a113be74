import type { FillDetails, FillFee } from '../tracing/order-intent.js';
import type { OrderTrace } from '../tracing/order-trace.js';
import { type CcxtOrderFields, type CcxtTradeFields, finite, idOf, isObject } from './ccxt-shapes.js';

/** Cumulative fills as one kind of answer reports them. */
interface Fills {
  filled: number;
  /** Quote-currency cost of what filled. */
  cost: number;
}

/**
 * How much of an order has filled, by source. Order answers report cumulative fills, trade
 * answers one execution each; a bot may read both (`watchOrders` and `watchMyTrades`), which
 * describe the same executions. The order has filled the larger of the two, and only what
 * that adds to what was already reported becomes a stage.
 */
export interface FillProgress {
  readonly trace: OrderTrace;
  /** The ordered quantity. */
  readonly amount: number;
  readonly byOrders: Fills;
  readonly byTrades: Fills;
  /** What the lifecycle has been told has filled. */
  reported: number;
  /** Trade ids applied already (answers repeat them). */
  readonly tradeIds: Set<string>;
  /** Fees of executions applied and not yet reported with a fill, per currency. */
  readonly pendingFees: Map<string, number>;
}

/** Trade ids remembered per order: a limit, as a long-lived order can trade many times. */
const TRADE_IDS_KEPT = 256;

/** A fill this small against the order's size is rounding, not a fill. */
const EPSILON = 1e-9;

/** Makes sure the lifecycle shows the order sent and acknowledged: an answer about it means the exchange has it. */
function acknowledge(trace: OrderTrace, exchangeOrderId: string | undefined): void {
  if (trace.stage === 'created' || trace.stage === 'risk_checked') trace.sent();
  if (trace.stage === 'sent') trace.acknowledged(exchangeOrderId === undefined ? {} : { exchangeOrderId });
}

/** The fill the order has made since it was last reported, if any, at `price` (the latest execution's). */
function newFill(progress: FillProgress, price: number | undefined): FillDetails | undefined {
  const quantity = Math.max(progress.byOrders.filled, progress.byTrades.filled) - progress.reported;
  if (!(quantity > EPSILON * Math.max(progress.amount, 1))) return undefined;
  progress.reported += quantity;
  return price === undefined || !Number.isFinite(price) || price <= 0 ? { quantity } : { quantity, price };
}

/** A pending fee, taken off the pending ones: a fill carries one currency's (the others go with the next fill). */
function takeFee(progress: FillProgress): FillFee | undefined {
  for (const [currency, cost] of progress.pendingFees) {
    progress.pendingFees.delete(currency);
    return { cost, currency };
  }
  return undefined;
}

/** Reports `fill` (possibly none) with a pending fee, and, when `complete`, the order's end as filled. */
function report(progress: FillProgress, fill: FillDetails | undefined, complete: boolean): void {
  if (!complete && fill === undefined) return;
  const fee = takeFee(progress);
  // Built field by field: a spread into a literal costs more on Node 20 than the rest of a fill.
  const quantity = fill?.quantity ?? 0;
  const details: FillDetails | undefined = fee === undefined ? fill : fill?.price === undefined ? { quantity, fee } : { quantity, price: fill.price, fee };
  if (complete) progress.trace.filled(details ?? { quantity: 0 });
  else if (details !== undefined) progress.trace.partiallyFilled(details);
}

/** The fee of one ccxt trade, when it has a usable one (a zero fee is none). */
export function feeOf(trade: CcxtTradeFields): FillFee | undefined {
  const fee = trade.fee;
  if (!isObject(fee) || typeof fee.currency !== 'string') return undefined;
  const cost = finite(fee.cost);
  return cost === undefined || cost === 0 ? undefined : { cost, currency: fee.currency };
}

/**
 * Takes one execution into the order's trade-side fills: its quantity, cost and fee, once (by
 * trade id). Returns false for a repeat or an execution without a quantity.
 */
function takeTrade(progress: FillProgress, trade: CcxtTradeFields): boolean {
  const id = idOf(trade.id);
  if (id !== undefined) {
    if (progress.tradeIds.has(id)) return false;
    if (progress.tradeIds.size < TRADE_IDS_KEPT) progress.tradeIds.add(id);
  }
  const amount = finite(trade.amount);
  if (amount === undefined || amount <= 0) return false;
  progress.byTrades.filled += amount;
  progress.byTrades.cost += amount * (finite(trade.price) ?? 0);
  const fee = feeOf(trade);
  if (fee !== undefined) progress.pendingFees.set(fee.currency, (progress.pendingFees.get(fee.currency) ?? 0) + fee.cost);
  return true;
}

/**
 * Moves the lifecycle by one unified order (`status`, cumulative `filled` and `cost`): the
 * acknowledgement with the exchange order id, new fills as `partially_filled`, and the end:
 * `closed` → filled, `canceled` → cancelled, `expired` → expired, `rejected` → rejected.
 */
export function applyOrder(progress: FillProgress, order: CcxtOrderFields): void {
  const trace = progress.trace;
  if (trace.done) return;
  acknowledge(trace, idOf(order.id));
  // Executions the answer includes are trades, fees and all (an order's own `fee` is not: ccxt
  // reports it cumulative on some answers and per execution on others, Binance's executionReport).
  if (Array.isArray(order.trades)) for (const trade of order.trades as unknown[]) if (isObject(trade)) takeTrade(progress, trade);
  const filled = finite(order.filled);
  let price: number | undefined;
  if (filled !== undefined && filled > progress.byOrders.filled) {
    const average = finite(order.average) ?? finite(order.price);
    const cost = finite(order.cost) ?? (average === undefined ? undefined : average * filled);
    // What the new part cost, over its quantity: the price of the executions since the last answer.
    price = cost === undefined ? undefined : (cost - progress.byOrders.cost) / (filled - progress.byOrders.filled);
    progress.byOrders.cost = cost ?? progress.byOrders.cost;
    progress.byOrders.filled = filled;
  }
  const fill = newFill(progress, price);
  switch (order.status) {
    case 'closed':
      report(progress, fill, true);
      break;
    case 'canceled':
    case 'cancelled':
      report(progress, fill, false);
      trace.cancelled();
      break;
    case 'expired':
      report(progress, fill, false);
      trace.expired();
      break;
    case 'rejected':
      report(progress, fill, false);
      trace.rejected('other', 'the exchange rejected the order');
      break;
    default:
      report(progress, fill, false);
  }
}

/** Moves the lifecycle by one unified trade of the order: a fill with its fee, and the end once all of it filled. */
export function applyTrade(progress: FillProgress, trade: CcxtTradeFields): void {
  const trace = progress.trace;
  if (trace.done) return;
  if (!takeTrade(progress, trade)) return;
  acknowledge(trace, undefined);
  report(progress, newFill(progress, finite(trade.price)), progress.reported >= progress.amount * (1 - EPSILON));
}
