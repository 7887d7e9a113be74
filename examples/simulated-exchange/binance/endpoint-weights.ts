/**
 * Request weights of the REST endpoints the venue serves, from Binance's spot API docs
 * (rest-api.md, "Weight"), keyed `METHOD path`. A function weighs by the parameters.
 */
type Weight = number | ((params: URLSearchParams) => number);

const depthWeight = (params: URLSearchParams): number => {
  const limit = Number(params.get('limit') ?? 100);
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
};

const symbolsCount = (params: URLSearchParams): number | undefined => {
  const symbols = params.get('symbols');
  if (symbols === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(symbols);
    return Array.isArray(parsed) ? parsed.length : undefined;
  } catch {
    return undefined;
  }
};

const ticker24hrWeight = (params: URLSearchParams): number => {
  if (params.has('symbol')) return 2;
  const count = symbolsCount(params);
  if (count === undefined) return 80;
  if (count <= 20) return 2;
  return count <= 100 ? 40 : 80;
};

const perSymbolOr = (all: number) => (params: URLSearchParams): number => (params.has('symbol') || params.has('symbols') ? 2 : all);

/** The spot API (`/api/v3`), charged to the IP's REQUEST_WEIGHT. */
export const API_WEIGHTS: Readonly<Record<string, Weight>> = {
  'GET /api/v3/ping': 1,
  'GET /api/v3/time': 1,
  'GET /api/v3/exchangeInfo': 20,
  'GET /api/v3/depth': depthWeight,
  'GET /api/v3/trades': 25,
  'GET /api/v3/aggTrades': 4,
  'GET /api/v3/ticker/24hr': ticker24hrWeight,
  'GET /api/v3/ticker/price': perSymbolOr(4),
  'GET /api/v3/ticker/bookTicker': perSymbolOr(4),
  'POST /api/v3/order': 1,
  'POST /api/v3/order/test': 1,
  'DELETE /api/v3/order': 1,
  'GET /api/v3/order': 4,
  'GET /api/v3/openOrders': (params) => (params.has('symbol') ? 6 : 80),
  'DELETE /api/v3/openOrders': 1,
  'GET /api/v3/allOrders': 20,
  'GET /api/v3/account': 20,
  'GET /api/v3/myTrades': (params) => (params.has('orderId') ? 5 : 20),
};

/** The SAPI (`/sapi/v1`), charged to the IP's separate SAPI weight (`X-SAPI-USED-IP-WEIGHT-1M`). */
export const SAPI_WEIGHTS: Readonly<Record<string, Weight>> = {
  'GET /sapi/v1/capital/config/getall': 10,
  'GET /sapi/v1/margin/allPairs': 1,
  'GET /sapi/v1/margin/isolated/allPairs': 10,
};

/** The weight of `key` (`METHOD path`) with `params`, or undefined when the venue does not serve it. */
export function weightOf(table: Readonly<Record<string, Weight>>, key: string, params: URLSearchParams): number | undefined {
  const weight = table[key];
  if (weight === undefined) return undefined;
  return typeof weight === 'number' ? weight : weight(params);
}
