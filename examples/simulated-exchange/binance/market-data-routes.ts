import { BinanceError, invalidSymbol, missingParameter } from './binance-error.js';
import { decimal } from './decimal.js';
import type { SyntheticBook } from './order-book.js';
import type { Route, RouteRequest, VenueView } from './routes.js';
import type { SpotSymbol } from './symbols.js';
import type { Tape } from './tape.js';

/** The symbol of `params.symbol`, which must be listed. */
export function requiredSymbol(request: RouteRequest): SpotSymbol {
  const id = request.params.get('symbol');
  if (id === null || id === '') throw missingParameter('symbol');
  const symbol = request.venue.symbols.get(id);
  if (symbol === undefined) throw invalidSymbol();
  return symbol;
}

/** The symbols a ticker request asks for: `symbol`, a JSON `symbols` array, or all. */
function requestedSymbols(request: RouteRequest): { symbols: SpotSymbol[]; single: boolean } {
  if (request.params.has('symbol')) return { symbols: [requiredSymbol(request)], single: true };
  const list = request.params.get('symbols');
  if (list === null) return { symbols: [...request.venue.symbols.values()], single: false };
  let ids: unknown;
  try {
    ids = JSON.parse(list);
  } catch {
    throw new BinanceError(400, -1100, "Illegal characters found in parameter 'symbols'.");
  }
  if (!Array.isArray(ids)) throw new BinanceError(400, -1100, "Illegal characters found in parameter 'symbols'.");
  const symbols = ids.map((id) => {
    const symbol = typeof id === 'string' ? request.venue.symbols.get(id) : undefined;
    if (symbol === undefined) throw invalidSymbol();
    return symbol;
  });
  return { symbols, single: false };
}

function limitParam(request: RouteRequest, fallback: number, max: number): number {
  const text = request.params.get('limit');
  if (text === null) return fallback;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit <= 0) throw new BinanceError(400, -1100, "Illegal characters found in parameter 'limit'; legal range is '^([0-9]{1,20})$'.");
  return Math.min(limit, max);
}

function parts(venue: VenueView, symbol: SpotSymbol): { book: SyntheticBook; tape: Tape } {
  const book = venue.book(symbol.symbol);
  const tape = venue.tape(symbol.symbol);
  if (book === undefined || tape === undefined) throw invalidSymbol();
  return { book, tape };
}

function bookTicker(venue: VenueView, symbol: SpotSymbol): Record<string, string> {
  const { book } = parts(venue, symbol);
  const { bid, ask } = book.top();
  return {
    symbol: symbol.symbol,
    bidPrice: book.price(bid?.[0] ?? 0),
    bidQty: decimal(bid?.[1] ?? 0),
    askPrice: book.price(ask?.[0] ?? 0),
    askQty: decimal(ask?.[1] ?? 0),
  };
}

/** One or all, as Binance answers: an object for `symbol`, an array otherwise. */
function eachSymbol(request: RouteRequest, answer: (symbol: SpotSymbol) => unknown): unknown {
  const { symbols, single } = requestedSymbols(request);
  const answers = symbols.map(answer);
  return single ? answers[0] : answers;
}

/** The public market-data endpoints of `/api/v3`. */
export const MARKET_DATA_ROUTES: Readonly<Record<string, Route>> = {
  'GET /api/v3/ping': { signed: false, handle: () => ({}) },
  'GET /api/v3/time': { signed: false, handle: ({ venue }) => ({ serverTime: venue.now() }) },
  'GET /api/v3/exchangeInfo': {
    signed: false,
    handle: (request) => request.venue.exchangeInfo(request.params.has('symbol') || request.params.has('symbols') ? requestedSymbols(request).symbols : [...request.venue.symbols.values()]),
  },
  'GET /api/v3/depth': {
    signed: false,
    handle: (request) => parts(request.venue, requiredSymbol(request)).book.snapshot(limitParam(request, 100, 5_000)),
  },
  'GET /api/v3/trades': {
    signed: false,
    handle: (request) =>
      parts(request.venue, requiredSymbol(request))
        .tape.recent(limitParam(request, 500, 1_000))
        .map((trade) => ({ id: trade.id, price: decimal(trade.price), qty: decimal(trade.quantity), quoteQty: decimal(trade.price * trade.quantity), time: trade.time, isBuyerMaker: trade.buyerMaker, isBestMatch: true })),
  },
  'GET /api/v3/aggTrades': {
    signed: false,
    handle: (request) =>
      parts(request.venue, requiredSymbol(request))
        .tape.recent(limitParam(request, 500, 1_000))
        .map((trade) => ({ a: trade.id, p: decimal(trade.price), q: decimal(trade.quantity), f: trade.id, l: trade.id, T: trade.time, m: trade.buyerMaker, M: true })),
  },
  'GET /api/v3/ticker/24hr': {
    signed: false,
    handle: (request) => {
      const now = request.venue.now();
      return eachSymbol(request, (symbol) => {
        const top = bookTicker(request.venue, symbol);
        const stats = parts(request.venue, symbol).tape.stats(now);
        return { ...stats, bidPrice: top.bidPrice, bidQty: top.bidQty, askPrice: top.askPrice, askQty: top.askQty };
      });
    },
  },
  'GET /api/v3/ticker/price': {
    signed: false,
    handle: (request) => eachSymbol(request, (symbol) => ({ symbol: symbol.symbol, price: parts(request.venue, symbol).tape.stats(request.venue.now()).lastPrice })),
  },
  'GET /api/v3/ticker/bookTicker': { signed: false, handle: (request) => eachSymbol(request, (symbol) => bookTicker(request.venue, symbol)) },
};
