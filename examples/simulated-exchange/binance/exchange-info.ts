import type { WeightBudgetFault } from '../faults.js';
import { decimal } from './decimal.js';
import type { SpotSymbol } from './symbols.js';

/** `GET /api/v3/exchangeInfo`: the rate limits in force and each symbol with the filters ccxt reads precision and limits from. */
export function exchangeInfo(symbols: readonly SpotSymbol[], budget: WeightBudgetFault, orderLimits: { per10s: number; perDay: number }, priceBand: number, serverTime: number): Record<string, unknown> {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: budget.limit },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: orderLimits.per10s },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: orderLimits.perDay },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61_000 },
    ],
    exchangeFilters: [],
    symbols: symbols.map((symbol) => symbolInfo(symbol, priceBand)),
  };
}

function symbolInfo(symbol: SpotSymbol, priceBand: number): Record<string, unknown> {
  const up = (1 + priceBand).toFixed(4);
  const down = (1 - priceBand).toFixed(4);
  return {
    symbol: symbol.symbol,
    status: 'TRADING',
    baseAsset: symbol.baseAsset,
    baseAssetPrecision: 8,
    quoteAsset: symbol.quoteAsset,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
    icebergAllowed: false,
    ocoAllowed: false,
    otoAllowed: false,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    amendAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: decimal(symbol.tickSize), maxPrice: decimal(1_000_000), tickSize: decimal(symbol.tickSize) },
      { filterType: 'LOT_SIZE', minQty: decimal(symbol.minQty), maxQty: decimal(symbol.maxQty), stepSize: decimal(symbol.stepSize) },
      { filterType: 'MARKET_LOT_SIZE', minQty: decimal(symbol.minQty), maxQty: decimal(symbol.maxQty), stepSize: decimal(symbol.stepSize) },
      { filterType: 'NOTIONAL', minNotional: decimal(symbol.minNotional), applyMinToMarket: true, maxNotional: decimal(symbol.maxNotional), applyMaxToMarket: false, avgPriceMins: 5 },
      { filterType: 'PERCENT_PRICE_BY_SIDE', bidMultiplierUp: up, bidMultiplierDown: down, askMultiplierUp: up, askMultiplierDown: down, avgPriceMins: 5 },
      { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'NONE',
    allowedSelfTradePreventionModes: ['NONE'],
  };
}

/** `GET /fapi/v1/exchangeInfo` and `/dapi/v1/exchangeInfo`: the venue lists no futures. */
export function emptyFuturesInfo(serverTime: number): Record<string, unknown> {
  return { timezone: 'UTC', serverTime, rateLimits: [], exchangeFilters: [], assets: [], symbols: [] };
}

/** `GET /sapi/v1/capital/config/getall`: every asset the symbols trade, as a coin ccxt's fetchCurrencies parses. */
export function coins(symbols: readonly SpotSymbol[], balances: ReadonlyMap<string, { free: string; locked: string }>): Record<string, unknown>[] {
  const assets = [...new Set(symbols.flatMap((symbol) => [symbol.baseAsset, symbol.quoteAsset]))];
  return assets.map((coin) => ({
    coin,
    name: coin,
    depositAllEnable: false,
    withdrawAllEnable: false,
    free: balances.get(coin)?.free ?? decimal(0),
    locked: balances.get(coin)?.locked ?? decimal(0),
    freeze: decimal(0),
    withdrawing: decimal(0),
    ipoing: decimal(0),
    ipoable: decimal(0),
    storage: decimal(0),
    isLegalMoney: false,
    trading: true,
    networkList: [],
  }));
}
