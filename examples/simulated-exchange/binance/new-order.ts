import { BinanceError, invalidSymbol, missingParameter } from './binance-error.js';
import { positiveNumber } from './decimal.js';
import type { OrderSide, OrderType, TimeInForce } from './spot-order.js';
import type { SpotSymbol } from './symbols.js';

/** A validated `POST /api/v3/order` request. */
export interface NewOrder {
  readonly symbol: SpotSymbol;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce | undefined;
  /** Base quantity; undefined for a market order by `quoteOrderQty`. */
  readonly quantity: number | undefined;
  readonly quoteOrderQty: number | undefined;
  /** Limit price; undefined for a market order. */
  readonly price: number | undefined;
  /** The client's id, or one the venue makes up. */
  readonly clientOrderId: string;
  /** ACK, RESULT or FULL. */
  readonly responseType: string;
}

const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const NUMBER_RANGE = "'^([0-9]{1,20})(\\.[0-9]{1,20})?$'";

const illegal = (name: string, range: string): BinanceError => new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is ${range}.`);
const notRequired = (name: string): BinanceError => new BinanceError(400, -1106, `Parameter '${name}' sent when not required.`);

/** Reads and checks the order parameters the way Binance's API layer does (before any filter or balance check). */
export function parseNewOrder(params: URLSearchParams, symbols: ReadonlyMap<string, SpotSymbol>, makeClientOrderId: () => string): NewOrder {
  const required = (name: string): string => {
    const value = params.get(name);
    if (value === null || value === '') throw missingParameter(name);
    return value;
  };
  const number = (name: string): number | undefined => {
    const text = params.get(name) ?? undefined;
    if (text === undefined) return undefined;
    const value = positiveNumber(text);
    if (value === undefined) throw illegal(name, NUMBER_RANGE);
    return value;
  };
  const symbol = symbols.get(required('symbol'));
  if (symbol === undefined) throw invalidSymbol();
  const side = required('side');
  if (side !== 'BUY' && side !== 'SELL') throw new BinanceError(400, -1117, 'Invalid side.');
  const type = required('type');
  if (type !== 'LIMIT' && type !== 'MARKET' && type !== 'LIMIT_MAKER') throw new BinanceError(400, -1116, 'Invalid orderType.');
  const timeInForceText = params.get('timeInForce') ?? undefined;
  if (timeInForceText !== undefined && timeInForceText !== 'GTC' && timeInForceText !== 'IOC' && timeInForceText !== 'FOK') throw new BinanceError(400, -1115, 'Invalid timeInForce.');
  const timeInForce = timeInForceText;
  const quantity = number('quantity');
  const quoteOrderQty = number('quoteOrderQty');
  const price = number('price');
  if (type === 'MARKET') {
    if (quantity === undefined && quoteOrderQty === undefined) throw new BinanceError(400, -1102, "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!");
    if (price !== undefined) throw notRequired('price');
    if (timeInForce !== undefined) throw notRequired('timeInForce');
  } else {
    if (type === 'LIMIT' && timeInForce === undefined) throw missingParameter('timeInForce');
    if (type === 'LIMIT_MAKER' && timeInForce !== undefined) throw notRequired('timeInForce');
    if (quantity === undefined) throw missingParameter('quantity');
    if (price === undefined) throw missingParameter('price');
    if (quoteOrderQty !== undefined) throw notRequired('quoteOrderQty');
  }
  const clientOrderId = params.get('newClientOrderId') ?? makeClientOrderId();
  if (!CLIENT_ORDER_ID.test(clientOrderId)) throw illegal('newClientOrderId', "'^[\\.A-Z\\:/a-z0-9_-]{1,36}$'");
  const responseType = params.get('newOrderRespType') ?? 'FULL';
  if (responseType !== 'ACK' && responseType !== 'RESULT' && responseType !== 'FULL') throw new BinanceError(400, -1100, "Illegal characters found in parameter 'newOrderRespType'.");
  return { symbol, side, type, timeInForce, quantity, quoteOrderQty, price, clientOrderId, responseType };
}
