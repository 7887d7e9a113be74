import type { OrderType, Side } from '../conventions.js';
import { newCorrelationId } from '../tracing/correlation-id.js';
import { finite, idOf, isObject } from './ccxt-shapes.js';
import type { InstrumentationContext } from './instrumentation-context.js';
import type { TrackedOrder } from './order-ledger.js';

/** Params under which a caller may already give a client order id: ccxt's unified one, then Binance's, OKX's, Bybit's, KuCoin's. */
const CLIENT_ORDER_ID_PARAMS = ['clientOrderId', 'newClientOrderId', 'clOrdId', 'orderLinkId', 'clientOid'] as const;

/** Params that make an order a trigger (stop) order. */
const TRIGGER_PARAMS = ['triggerPrice', 'stopPrice', 'stopLossPrice', 'takeProfitPrice'] as const;

/** 32 hex digits of a UUIDv7: time-ordered, and within Binance's 36, OKX's 32 alphanumerics and Bybit's 36. */
export function newClientOrderId(): string {
  return newCorrelationId().replaceAll('-', '');
}

/** ccxt's order type (`market`, `limit`, `STOP_LOSS_LIMIT`, …) and params as one of our order types. */
export function orderTypeOf(type: unknown, params: unknown): OrderType {
  const given = typeof type === 'string' ? type.toLowerCase() : '';
  const trigger = (isObject(params) && TRIGGER_PARAMS.some((key) => params[key] !== undefined)) || /stop|take_profit|trigger/.test(given);
  if (trigger) return given.includes('limit') && !given.includes('market') ? 'stop_limit' : 'stop';
  return given.includes('market') ? 'market' : 'limit';
}

/** The client order id the caller put into `params`, if any. */
function givenClientOrderId(params: unknown): string | undefined {
  if (!isObject(params)) return undefined;
  for (const key of CLIENT_ORDER_ID_PARAMS) {
    const id = idOf(params[key]);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** What placing one order adds to a `createOrder` call: the order followed, and the arguments to send. */
export interface Placement {
  readonly order: TrackedOrder;
  readonly args: unknown[];
}

/**
 * Starts the lifecycle of the order `createOrder(symbol, type, side, amount, price, params)`
 * places: its client order id (the caller's, else a new one set as ccxt's `clientOrderId`
 * param, in a copy of `params`) is the correlation id; an order the bot already tracks under
 * that id is continued rather than tracked twice.
 */
export function placeOrder(ctx: InstrumentationContext, args: readonly unknown[]): Placement {
  const [symbol, type, side, amount, price, params] = args;
  const given = givenClientOrderId(params);
  const clientOrderId = given ?? ctx.options.clientOrderId?.() ?? newClientOrderId();
  const sent = args.slice();
  if (given === undefined) {
    while (sent.length < 6) sent.push(undefined);
    // A copy: the caller's params object is theirs. (Object.assign, not a spread: cheaper on Node 20.)
    sent[5] = Object.assign({}, isObject(params) ? params : undefined, { clientOrderId });
  }
  const { orders } = ctx.venue.telemetry;
  const quantity = finite(amount) ?? 0;
  const limit = finite(price);
  const trace =
    orders.get(clientOrderId) ??
    orders.track({
      exchange: ctx.venue.exchange,
      symbol: symbol as string,
      // The facade validates what JS callers pass; a bad symbol or side is counted as refused.
      side: side as Side,
      orderType: orderTypeOf(type, params),
      quantity,
      ...(limit === undefined ? {} : { price: limit }),
      ...(ctx.options.strategy === undefined ? {} : { strategy: ctx.options.strategy }),
      clientOrderId,
    });
  return { order: ctx.venue.ledger.follow(trace, quantity), args: sent };
}
