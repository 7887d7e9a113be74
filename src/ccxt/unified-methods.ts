/** What a unified method does, as far as the instrumentation cares. */
export interface MethodPlan {
  readonly name: string;
  /** `rest` calls are timed; `watch` calls wait for the next update and are not; `unwatch` ends a subscription. */
  readonly kind: 'rest' | 'watch' | 'unwatch';
  /** What its result holds: unified orders or trades (for the order lifecycle), funding payments, or nothing. */
  readonly result: 'orders' | 'trades' | 'funding' | undefined;
  /** The subscription a watch or unwatch method is about: `order_book`, `ticker`, `orders`, … */
  readonly stream: string | undefined;
  /** `createOrder`: it starts an order's lifecycle. */
  readonly places: boolean;
  /** About one order, named by its exchange id in the first argument (`cancelOrder(id, symbol)`). */
  readonly byOrderId: boolean;
}

/** The stream names whose plural or singular method names mean the same subscription. */
const STREAM_ALIASES: Readonly<Record<string, string>> = {
  tickers: 'ticker',
  position: 'positions',
  funding_rates: 'funding_rate',
  mark_prices: 'mark_price',
};

/**
 * Streams that carry market data: they feed `telemetry.marketData` (messages, staleness,
 * latency) and, once silent for too long, turn the exchange's health degraded. The others
 * (orders, balance, …) are quiet whenever the bot is, and say nothing about the feed.
 */
export const MARKET_STREAMS: ReadonlySet<string> = new Set(['order_book', 'ticker', 'bids_asks', 'trades', 'ohlcv', 'mark_price']);

/** Market streams that update continuously while the market is open: what staleness is judged on. */
export const QUOTE_STREAMS: ReadonlySet<string> = new Set(['order_book', 'ticker', 'bids_asks', 'mark_price']);

const ORDER_RESULTS = /^(?:create|edit|cancel|fetch|watch)(?:Order|Orders|OpenOrders|ClosedOrders|CanceledOrders|CanceledAndClosedOrders|AllOrders)(?:ForSymbols)?(?:Ws)?$/;
const TRADE_RESULTS = /^(?:fetch|watch)(?:MyTrades|OrderTrades)(?:ForSymbols)?(?:Ws)?$/;

/** `watchOrderBookForSymbols` → `order_book`, `watchTickers` → `ticker`, `unWatchOHLCV` → `ohlcv`. */
function streamOf(name: string): string {
  const subject = name.replace(/^(?:un)?[wW]atch/, '').replace(/ForSymbols$/, '').replace(/Ws$/, '');
  const snake = subject.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return STREAM_ALIASES[snake] ?? snake;
}

/** Unified methods about one order, named by its exchange id in the first argument and its symbol in the second. */
const BY_ORDER_ID = /^(?:cancel|fetch|edit)Order(?:Trades)?(?:Ws)?$/;

/** How the instrumentation treats the unified method `name`. */
export function planOf(name: string): MethodPlan {
  const kind = name.startsWith('unWatch') ? 'unwatch' : name.startsWith('watch') ? 'watch' : 'rest';
  return {
    name,
    kind,
    result: ORDER_RESULTS.test(name) ? 'orders' : TRADE_RESULTS.test(name) ? 'trades' : name === 'fetchFundingHistory' ? 'funding' : undefined,
    stream: kind === 'rest' ? undefined : streamOf(name),
    places: name === 'createOrder',
    byOrderId: BY_ORDER_ID.test(name),
  };
}

/**
 * The unified methods of `exchange` to trace: every method its `has` map declares (ccxt's
 * unified API, REST and WebSocket), plus `loadMarkets`. Implicit endpoint methods
 * (`privatePostOrder`) are not among them: their requests are traced under the unified call.
 */
export function unifiedMethods(exchange: { readonly has: Readonly<Record<string, unknown>> } & Record<string, unknown>): string[] {
  const names = Object.entries(exchange.has)
    .filter(([name, supported]) => supported !== false && supported !== undefined && typeof exchange[name] === 'function')
    .map(([name]) => name);
  return typeof exchange.loadMarkets === 'function' ? [...names, 'loadMarkets'] : names;
}

/** Whether `value` is a ccxt unified symbol (`BTC/USDT`, `BTC/USDT:USDT`): currency codes and ids have no slash. */
function isSymbol(value: unknown): value is string {
  return typeof value === 'string' && value.includes('/');
}

/**
 * The symbols the arguments of a call of `plan` name: `watchOrderBook('BTC/USDT')`,
 * `watchTickers(['A', 'B'])`, `watchOHLCVForSymbols([['A', '1m']])`, `cancelOrder(id, 'BTC/USDT')`.
 */
export function symbolsOf(plan: MethodPlan, args: readonly unknown[]): string[] {
  const given = plan.byOrderId ? args[1] : args[0];
  if (isSymbol(given)) return [given];
  if (!Array.isArray(given)) return [];
  return (given as unknown[]).flatMap((item) => (isSymbol(item) ? [item] : Array.isArray(item) && isSymbol(item[0]) ? [item[0]] : []));
}
