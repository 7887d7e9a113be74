/** One spot symbol the Binance venue lists, with the filters `exchangeInfo` publishes and enforces. */
export interface SpotSymbol {
  /** Binance's id, e.g. `BTCUSDT` (ccxt's `BTC/USDT`). */
  readonly symbol: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** The mid price the random walk starts from. */
  readonly startPrice: number;
  /** PRICE_FILTER tick size. */
  readonly tickSize: number;
  /** LOT_SIZE step size and minimum quantity. */
  readonly stepSize: number;
  readonly minQty: number;
  readonly maxQty: number;
  /** NOTIONAL filter: smallest and largest price × quantity. */
  readonly minNotional: number;
  readonly maxNotional: number;
  /** Distance between two price levels of the synthetic book, in ticks. */
  readonly levelTicks: number;
  /** Typical quote-currency size of one book level (each level draws 0.2-2× this). */
  readonly levelNotional: number;
}

/** BTC/USDT, ETH/USDT and SOL/USDT with filters like Binance's own. */
export const DEFAULT_SPOT_SYMBOLS: readonly SpotSymbol[] = [
  { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', startPrice: 50_000, tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, maxQty: 9_000, minNotional: 5, maxNotional: 9_000_000, levelTicks: 500, levelNotional: 25_000 },
  { symbol: 'ETHUSDT', baseAsset: 'ETH', quoteAsset: 'USDT', startPrice: 3_000, tickSize: 0.01, stepSize: 0.0001, minQty: 0.0001, maxQty: 9_000, minNotional: 5, maxNotional: 9_000_000, levelTicks: 30, levelNotional: 15_000 },
  { symbol: 'SOLUSDT', baseAsset: 'SOL', quoteAsset: 'USDT', startPrice: 150, tickSize: 0.01, stepSize: 0.001, minQty: 0.001, maxQty: 90_000, minNotional: 5, maxNotional: 9_000_000, levelTicks: 2, levelNotional: 8_000 },
];

/** Starting balance of every account, per asset. */
export const DEFAULT_SPOT_BALANCES: Readonly<Record<string, number>> = { USDT: 1_000_000, BTC: 10, ETH: 100, SOL: 1_000 };
