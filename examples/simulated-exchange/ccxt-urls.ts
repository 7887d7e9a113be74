/**
 * Points ccxt's `binance` (REST) and `pro.binance` (WebSocket) at a running simulated
 * exchange: every URL ccxt 4.5 builds requests from, so that nothing leaves 127.0.0.1.
 *
 *   const exchange = new ccxt.pro.binance({ apiKey, secret, ...binanceSimulatorOptions(simulator.httpUrl) });
 */
import { Agent } from 'node:http';

/** The REST API groups of ccxt's binance (`urls.api.<group>`) and the path each has on Binance. */
const REST_PATHS = {
  public: '/api/v3',
  private: '/api/v3',
  v1: '/api/v1',
  sapi: '/sapi/v1',
  sapiV2: '/sapi/v2',
  sapiV3: '/sapi/v3',
  sapiV4: '/sapi/v4',
  fapiPublic: '/fapi/v1',
  fapiPublicV2: '/fapi/v2',
  fapiPublicV3: '/fapi/v3',
  fapiPrivate: '/fapi/v1',
  fapiPrivateV2: '/fapi/v2',
  fapiPrivateV3: '/fapi/v3',
  fapiData: '/futures/data',
  dapiPublic: '/dapi/v1',
  dapiPrivate: '/dapi/v1',
  dapiPrivateV2: '/dapi/v2',
  dapiData: '/futures/data',
  eapiPublic: '/eapi/v1',
  eapiPrivate: '/eapi/v1',
  papi: '/papi/v1',
  papiV2: '/papi/v2',
} as const;

/** The WebSocket groups of ccxt's pro binance (`urls.api.ws.<group>`). */
const WS_PATHS = {
  spot: '/ws',
  margin: '/ws',
  future: '/ws',
  delivery: '/ws',
  stock: '/ws',
  option: '/ws',
  optionMarket: '/ws',
  optionPrivate: '/ws',
  papi: '/ws',
} as const;

/** ccxt's `urls` option for a binance instance on the simulator at `httpUrl` (`http://127.0.0.1:PORT`). */
export interface BinanceUrls {
  readonly api: BinanceApiUrls;
  /** Used by `setSandboxMode(true)`. */
  readonly test: BinanceApiUrls;
  /** Used by `enableDemoTrading(true)`. */
  readonly demo: BinanceApiUrls;
}

export type BinanceApiUrls = Record<keyof typeof REST_PATHS, string> & {
  readonly ws: Record<keyof typeof WS_PATHS, string> & { readonly 'ws-api': { readonly spot: string; readonly future: string; readonly delivery: string } };
};

/**
 * The `urls` override for `new ccxt.binance({ urls })` or `new ccxt.pro.binance({ urls })`:
 * REST groups at their Binance paths on `httpUrl`, market streams at `ws://…/ws` (ccxt
 * appends `/<n>` and subscribes by frame), and the WebSocket API at `ws://…/ws-api/v3`.
 * The sandbox and demo sets point at the simulator too.
 */
export function binanceUrls(httpUrl: string): BinanceUrls {
  const http = httpUrl.replace(/\/+$/, '');
  if (!/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(:\d+)?$/.test(http)) throw new Error(`binanceUrls wants the simulator's http://127.0.0.1:PORT, got ${httpUrl}`);
  const ws = http.replace(/^http:/, 'ws:');
  const rest = Object.fromEntries(Object.entries(REST_PATHS).map(([group, path]) => [group, http + path])) as Record<keyof typeof REST_PATHS, string>;
  const streams = Object.fromEntries(Object.entries(WS_PATHS).map(([group, path]) => [group, ws + path])) as Record<keyof typeof WS_PATHS, string>;
  const api: BinanceApiUrls = { ...rest, ws: { ...streams, 'ws-api': { spot: `${ws}/ws-api/v3`, future: `${ws}/ws-fapi/v1`, delivery: `${ws}/ws-dapi/v1` } } };
  return { api, test: api, demo: api };
}

/** {@link binanceUrls} plus what ccxt.pro needs for plain `ws://`. */
export interface BinanceSimulatorOptions {
  readonly urls: BinanceUrls;
  /**
   * ccxt.pro refuses a `ws://` URL without an HTTP agent ("NotSupported: … to use proxy with
   * non-ssl ws:// urls, at first run `await exchange.loadHttpProxyAgent()`"); a plain
   * `http.Agent` is what `loadHttpProxyAgent()` would create. REST ignores it.
   */
  readonly httpAgent: Agent;
}

/** The options to spread into `new ccxt.binance({ apiKey, secret, ... })` or `new ccxt.pro.binance(...)` for the simulator at `httpUrl`. */
export function binanceSimulatorOptions(httpUrl: string): BinanceSimulatorOptions {
  return { urls: binanceUrls(httpUrl), httpAgent: new Agent() };
}
