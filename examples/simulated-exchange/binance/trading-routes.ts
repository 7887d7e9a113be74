import { BinanceError, invalidSymbol } from './binance-error.js';
import { decimal } from './decimal.js';
import { coins } from './exchange-info.js';
import { requiredSymbol } from './market-data-routes.js';
import { parseNewOrder } from './new-order.js';
import type { OrderCounter } from './rate-limits.js';
import type { Route, RouteRequest } from './routes.js';
import type { OrderRef, SpotAccount } from './spot-account.js';
import { canceledOrderJson, newOrderJson, orderJson } from './spot-order.js';

function signedParts(request: RouteRequest): { account: SpotAccount; orders: OrderCounter } {
  if (request.account === undefined || request.orders === undefined) throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
  return { account: request.account, orders: request.orders };
}

/** `orderId` or `origClientOrderId`, one of which must be sent. */
function orderRef(request: RouteRequest): OrderRef {
  const orderId = request.params.get('orderId');
  if (orderId !== null && /^\d+$/.test(orderId)) return { orderId: Number(orderId) };
  const clientOrderId = request.params.get('origClientOrderId');
  if (clientOrderId !== null && clientOrderId !== '') return { clientOrderId };
  throw new BinanceError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
}

function integerParam(request: RouteRequest, name: string): number | undefined {
  const text = request.params.get(name);
  if (text === null) return undefined;
  if (!/^\d+$/.test(text)) throw new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})$'.`);
  return Number(text);
}

/** `startTime`, `endTime`, `limit` and a lower id bound, applied to a list sorted oldest first. */
function window<T>(request: RouteRequest, items: readonly T[], time: (item: T) => number, id: (item: T) => number, idParam: string): T[] {
  const start = integerParam(request, 'startTime');
  const end = integerParam(request, 'endTime');
  const fromId = integerParam(request, idParam);
  const limit = Math.min(integerParam(request, 'limit') ?? 500, 1_000);
  const kept = items.filter((item) => (start === undefined || time(item) >= start) && (end === undefined || time(item) <= end) && (fromId === undefined || id(item) >= fromId));
  return fromId !== undefined || start !== undefined ? kept.slice(0, limit) : kept.slice(-limit);
}

function place(request: RouteRequest, test: boolean): unknown {
  const { account, orders } = signedParts(request);
  const order = parseNewOrder(request.params, request.venue.symbols, () => request.venue.makeClientOrderId());
  const now = request.venue.now();
  orders.check(now);
  if (test) return {};
  // Counted on arrival, as Binance may count rejected orders too; a first fill gives the count back.
  orders.count(now);
  const placed = account.place(order);
  return newOrderJson(placed.order, placed.fills, order.responseType);
}

/** The SIGNED trading and account endpoints of `/api/v3` and the SAPI calls ccxt's loadMarkets makes. */
export const TRADING_ROUTES: Readonly<Record<string, Route>> = {
  'POST /api/v3/order': { signed: true, handle: (request) => place(request, false) },
  'POST /api/v3/order/test': { signed: true, handle: (request) => place(request, true) },
  'DELETE /api/v3/order': {
    signed: true,
    handle: (request) => {
      const symbol = requiredSymbol(request);
      const cancelId = request.params.get('newClientOrderId') ?? request.venue.makeClientOrderId();
      const order = signedParts(request).account.cancel(symbol.symbol, orderRef(request), cancelId);
      return canceledOrderJson(order, cancelId, request.venue.now());
    },
  },
  'DELETE /api/v3/openOrders': {
    signed: true,
    handle: (request) => {
      const symbol = requiredSymbol(request);
      const ids: string[] = [];
      const canceled = signedParts(request).account.cancelAll(symbol.symbol, () => {
        const id = request.venue.makeClientOrderId();
        ids.push(id);
        return id;
      });
      const now = request.venue.now();
      return canceled.map((order, i) => canceledOrderJson(order, ids[i] ?? '', now));
    },
  },
  'GET /api/v3/order': {
    signed: true,
    handle: (request) => {
      const symbol = requiredSymbol(request);
      const order = signedParts(request).account.find(symbol.symbol, orderRef(request));
      if (order === undefined) throw new BinanceError(400, -2013, 'Order does not exist.');
      return orderJson(order);
    },
  },
  'GET /api/v3/openOrders': {
    signed: true,
    handle: (request) => {
      const id = request.params.get('symbol');
      if (id !== null && !request.venue.symbols.has(id)) throw invalidSymbol();
      return signedParts(request)
        .account.openOrders(id ?? undefined)
        .map(orderJson);
    },
  },
  'GET /api/v3/allOrders': {
    signed: true,
    handle: (request) => {
      const orders = signedParts(request).account.allOrders(requiredSymbol(request).symbol);
      return window(request, orders, (order) => order.time, (order) => order.orderId, 'orderId').map(orderJson);
    },
  },
  'GET /api/v3/account': {
    signed: true,
    handle: (request) => {
      const { account } = signedParts(request);
      const rates = request.venue.commissionRates();
      const omitZero = request.params.get('omitZeroBalances') === 'true';
      return {
        makerCommission: Math.round(rates.maker * 10_000),
        takerCommission: Math.round(rates.taker * 10_000),
        buyerCommission: 0,
        sellerCommission: 0,
        commissionRates: { maker: decimal(rates.maker), taker: decimal(rates.taker), buyer: decimal(0), seller: decimal(0) },
        canTrade: true,
        canWithdraw: false,
        canDeposit: false,
        brokered: false,
        requireSelfTradePrevention: false,
        preventSor: false,
        updateTime: account.updateTime,
        accountType: 'SPOT',
        balances: account.balances().filter((balance) => !omitZero || Number(balance.free) + Number(balance.locked) > 0),
        permissions: ['SPOT'],
      };
    },
  },
  'GET /api/v3/myTrades': {
    signed: true,
    handle: (request) => {
      const symbol = requiredSymbol(request);
      const orderId = integerParam(request, 'orderId');
      const trades = signedParts(request)
        .account.trades(symbol.symbol)
        .filter((trade) => orderId === undefined || trade.orderId === orderId);
      return window(request, trades, (trade) => Number(trade.time), (trade) => Number(trade.id), 'fromId');
    },
  },
  'GET /sapi/v1/capital/config/getall': {
    signed: true,
    handle: (request) => coins([...request.venue.symbols.values()], new Map(signedParts(request).account.balances().map((balance) => [balance.asset, balance]))),
  },
  'GET /sapi/v1/margin/allPairs': { signed: true, handle: () => [] },
  'GET /sapi/v1/margin/isolated/allPairs': { signed: true, handle: () => [] },
};
