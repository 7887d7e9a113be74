import type { IncomingMessage, ServerResponse } from 'node:http';
import { BinanceError } from './binance-error.js';
import { emptyFuturesInfo } from './exchange-info.js';
import { API_WEIGHTS, SAPI_WEIGHTS, weightOf } from './endpoint-weights.js';
import { MARKET_DATA_ROUTES } from './market-data-routes.js';
import type { OrderCounter, WeightBudget } from './rate-limits.js';
import type { Route, VenueView } from './routes.js';
import { authenticateRest, requestParams } from './signed-request.js';
import type { SpotAccount } from './spot-account.js';
import { TRADING_ROUTES } from './trading-routes.js';

/** What the REST transport needs beyond the routes' view. */
export interface RestVenue extends VenueView {
  /** REQUEST_WEIGHT of `/api/v3` (and the WebSocket API), per IP. */
  readonly weights: WeightBudget;
  /** The separate SAPI IP weight. */
  readonly sapiWeights: WeightBudget;
  readonly secrets: ReadonlyMap<string, string>;
  account(apiKey: string): SpotAccount;
  orderCounter(apiKey: string): OrderCounter;
  /** True while an outage refuses service. */
  unavailable(): boolean;
  /** Waits the modelled one-way latency (base, jitter and the injected extra). */
  travel(): Promise<void>;
  /** Counts an order request, for the control API's state. */
  countOrderRequest(): void;
}

const ROUTES: Readonly<Record<string, Route>> = { ...MARKET_DATA_ROUTES, ...TRADING_ROUTES };
const MAX_BODY = 64 * 1024;
const JSON_TYPE = 'application/json;charset=UTF-8';

/** The IP a request came from, without the IPv4-mapped prefix. */
export const clientIp = (req: IncomingMessage): string => (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');

/**
 * Serves Binance's spot REST API (`/api/v3`, the SAPI calls ccxt makes, and an empty
 * futures `exchangeInfo`): weight accounting and its headers first, then the modelled
 * latency, then `X-MBX-APIKEY`, signature and `recvWindow`, then the route. Answers with
 * Binance's status codes and `{"code","msg"}` bodies. Returns false for paths it does not own.
 */
export function handleRest(venue: RestVenue, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname;
  if (!/^\/(api|sapi|fapi|dapi)\//.test(path)) return false;
  void serve(venue, req, res, url).catch((error: unknown) => {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : 'internal error');
  });
  return true;
}

async function serve(venue: RestVenue, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const body = await readBody(req);
  const method = req.method ?? 'GET';
  const key = `${method} ${url.pathname}`;
  if (venue.unavailable()) {
    res.writeHead(503, { 'content-type': 'text/html' }).end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
    return;
  }
  const query = url.search.slice(1);
  const params = requestParams(query, body);
  if (key === 'GET /fapi/v1/exchangeInfo' || key === 'GET /dapi/v1/exchangeInfo') {
    send(res, 200, emptyFuturesInfo(venue.now()), {});
    return;
  }
  const sapi = url.pathname.startsWith('/sapi/');
  const weight = weightOf(sapi ? SAPI_WEIGHTS : API_WEIGHTS, key, params);
  const route = ROUTES[key];
  if (weight === undefined || route === undefined) {
    res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>404 Not Found</h1></body></html>');
    return;
  }
  const charge = (sapi ? venue.sapiWeights : venue.weights).charge(clientIp(req), weight, venue.now());
  const headers: Record<string, string> = sapi
    ? { 'x-sapi-used-ip-weight-1m': String(charge.used) }
    : { 'x-mbx-used-weight': String(charge.used), 'x-mbx-used-weight-1m': String(charge.used) };
  // The server's own clock, clock-offset fault included, as a real exchange's Date header is.
  headers.date = new Date(venue.now()).toUTCString();
  if (charge.refusal !== undefined) {
    sendError(res, charge.refusal, headers);
    return;
  }
  await venue.travel();
  const isOrder = key === 'POST /api/v3/order';
  if (isOrder) venue.countOrderRequest();
  try {
    const apiKey = route.signed ? authenticateRest(headerText(req.headers['x-mbx-apikey']), query, body, venue.secrets, venue.now()) : undefined;
    const answer = route.handle({
      params,
      venue,
      ...(apiKey === undefined ? {} : { account: venue.account(apiKey), orders: venue.orderCounter(apiKey) }),
    });
    if (isOrder && apiKey !== undefined) {
      const counts = venue.orderCounter(apiKey).counts(venue.now());
      headers['x-mbx-order-count-10s'] = String(counts.tenSeconds);
      headers['x-mbx-order-count-1d'] = String(counts.day);
    }
    send(res, 200, answer, headers);
  } catch (error) {
    if (!(error instanceof BinanceError)) throw error;
    sendError(res, error, headers);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, ...headers }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: BinanceError, headers: Record<string, string>): void {
  send(res, error.status, error.body(), error.retryAfterSeconds === undefined ? headers : { ...headers, 'retry-after': String(error.retryAfterSeconds) });
}

const headerText = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) throw new BinanceError(400, -1101, 'Too many parameters.');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
