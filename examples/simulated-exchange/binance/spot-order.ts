import { decimal } from './decimal.js';

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'LIMIT' | 'MARKET' | 'LIMIT_MAKER';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';
/** `x` of an executionReport. */
export type ExecutionType = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED';

/** An order of a spot account, as the venue keeps it. */
export interface SpotOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce | undefined;
  /** Limit price; 0 for a market order. */
  readonly price: number;
  /** Ordered base quantity; for a market buy by `quoteOrderQty`, what it bought once done. */
  origQty: number;
  readonly origQuoteOrderQty: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: OrderStatus;
  readonly time: number;
  updateTime: number;
}

/** One execution of an order. */
export interface Fill {
  readonly tradeId: number;
  readonly price: number;
  readonly quantity: number;
  readonly commission: number;
  readonly commissionAsset: string;
  readonly isMaker: boolean;
  readonly time: number;
}

/** Whether the order can still trade. */
export const isOpen = (order: SpotOrder): boolean => order.status === 'NEW' || order.status === 'PARTIALLY_FILLED';

/** The fields every order answer shares. */
function orderState(order: SpotOrder): Record<string, unknown> {
  return {
    price: decimal(order.price),
    origQty: decimal(order.origQty),
    executedQty: decimal(order.executedQty),
    origQuoteOrderQty: decimal(order.origQuoteOrderQty),
    cummulativeQuoteQty: decimal(order.cummulativeQuoteQty),
    status: order.status,
    timeInForce: order.timeInForce ?? 'GTC',
    type: order.type,
    side: order.side,
  };
}

/** The order as `GET /api/v3/order` and `openOrders` return it. */
export function orderJson(order: SpotOrder): Record<string, unknown> {
  return {
    symbol: order.symbol,
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: order.clientOrderId,
    ...orderState(order),
    stopPrice: decimal(0),
    icebergQty: decimal(0),
    time: order.time,
    updateTime: order.updateTime,
    isWorking: true,
    workingTime: order.time,
    selfTradePreventionMode: 'NONE',
  };
}

/** The answer to `POST /api/v3/order` with `newOrderRespType` ACK, RESULT or FULL. */
export function newOrderJson(order: SpotOrder, fills: readonly Fill[], responseType: string): Record<string, unknown> {
  const ack = { symbol: order.symbol, orderId: order.orderId, orderListId: -1, clientOrderId: order.clientOrderId, transactTime: order.time };
  if (responseType === 'ACK') return ack;
  const result = { ...ack, ...orderState(order), workingTime: order.time, selfTradePreventionMode: 'NONE' };
  if (responseType === 'RESULT') return result;
  return {
    ...result,
    fills: fills.map((fill) => ({ price: decimal(fill.price), qty: decimal(fill.quantity), commission: decimal(fill.commission), commissionAsset: fill.commissionAsset, tradeId: fill.tradeId })),
  };
}

/** The answer to `DELETE /api/v3/order`: `clientOrderId` is the cancel request's own id, `origClientOrderId` the order's. */
export function canceledOrderJson(order: SpotOrder, cancelClientOrderId: string, transactTime: number): Record<string, unknown> {
  return {
    symbol: order.symbol,
    origClientOrderId: order.clientOrderId,
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: cancelClientOrderId,
    transactTime,
    ...orderState(order),
    selfTradePreventionMode: 'NONE',
  };
}

/** What one executionReport says beyond the order itself. */
export interface Execution {
  readonly type: ExecutionType;
  readonly time: number;
  readonly fill?: Fill;
  /** For a cancel: the cancel request's client order id (`c`); the order's own goes to `C`. */
  readonly cancelClientOrderId?: string;
}

/** The user-data `executionReport` event, with the fields ccxt's binance parses. */
export function executionReport(order: SpotOrder, execution: Execution): Record<string, unknown> {
  const fill = execution.fill;
  const cancel = execution.cancelClientOrderId;
  return {
    e: 'executionReport',
    E: execution.time,
    s: order.symbol,
    c: cancel ?? order.clientOrderId,
    S: order.side,
    o: order.type,
    f: order.timeInForce ?? 'GTC',
    q: decimal(order.origQty),
    p: decimal(order.price),
    P: decimal(0),
    F: decimal(0),
    g: -1,
    C: cancel === undefined ? '' : order.clientOrderId,
    x: execution.type,
    X: order.status,
    r: 'NONE',
    i: order.orderId,
    l: decimal(fill?.quantity ?? 0),
    z: decimal(order.executedQty),
    L: decimal(fill?.price ?? 0),
    n: decimal(fill?.commission ?? 0),
    N: fill?.commissionAsset ?? null,
    T: execution.time,
    t: fill?.tradeId ?? -1,
    I: 0,
    w: isOpen(order),
    m: fill?.isMaker ?? false,
    M: false,
    O: order.time,
    Z: decimal(order.cummulativeQuoteQty),
    Y: decimal(fill === undefined ? 0 : fill.price * fill.quantity),
    Q: decimal(order.origQuoteOrderQty),
    W: order.time,
    V: 'NONE',
  };
}
