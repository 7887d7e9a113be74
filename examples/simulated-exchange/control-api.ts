import type { IncomingMessage, ServerResponse } from 'node:http';
import { type BinanceVenue, DEPTH_STREAM_SPEEDS } from './binance/binance-venue.js';
import type { ExchangeRejectReason, Faults } from './faults.js';

/** What the control API acts on. */
export interface Controllable {
  readonly faults: Faults;
  readonly binance: BinanceVenue;
  state(): Record<string, unknown>;
  dropConnections(): void;
  outage(millis: number): void;
}

const REJECT_REASONS: readonly ExchangeRejectReason[] = ['insufficient_balance', 'price_out_of_band', 'rate_limited', 'unknown_symbol', 'invalid_order'];

class ControlError extends Error {}

/**
 * The HTTP control API under `/control/` (docs/simulated-exchange.md lists every route):
 * `POST` injects a fault and answers the new state; `GET /control/state` and
 * `GET /control/book?symbol=` read.
 */
export function handleControl(exchange: Controllable, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const reply = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  try {
    if (req.method === 'GET' && url.pathname === '/control/state') return reply(200, exchange.state());
    if (req.method === 'GET' && url.pathname === '/control/book') {
      const symbol = symbolParam(exchange, url);
      return reply(200, exchange.binance.book(symbol)?.snapshot(20));
    }
    if (req.method !== 'POST' || !apply(exchange, url)) return reply(404, { error: 'not found' });
    reply(200, exchange.state());
  } catch (error) {
    if (!(error instanceof ControlError)) throw error;
    reply(400, { error: error.message });
  }
}

/** Applies the fault of `url`; false for an unknown route. */
function apply(exchange: Controllable, url: URL): boolean {
  const faults = exchange.faults;
  const now = Date.now();
  switch (url.pathname) {
    case '/control/drop':
      exchange.dropConnections();
      return true;
    case '/control/outage':
      exchange.outage(number(url, 'millis', 5_000));
      return true;
    case '/control/silence':
      faults.silence(number(url, 'millis', 10_000), now);
      return true;
    case '/control/latency':
      faults.extraLatencyMillis = number(url, 'millis', 0);
      return true;
    case '/control/reject-burst': {
      const reason = url.searchParams.get('reason');
      faults.rejectBurst = number(url, 'count', 10);
      const known = REJECT_REASONS.find((r) => r === reason);
      if (known !== undefined) faults.rejectBurstReason = known;
      return true;
    }
    case '/control/fills':
      faults.fillsEnabled = url.searchParams.get('enabled') !== 'false';
      faults.restingFillsEnabled = url.searchParams.get('resting') !== 'false';
      return true;
    case '/control/market':
      faults.marketFrozen = url.searchParams.get('frozen') === 'true';
      return true;
    case '/control/clock-offset':
      faults.clockOffsetMillis = number(url, 'millis', 0, true);
      return true;
    case '/control/weight-budget':
      faults.weightBudget = { limit: number(url, 'limit', 6_000), banAfter: number(url, 'banAfter', 5), banSeconds: number(url, 'banSeconds', 120) };
      return true;
    case '/control/silent-symbol':
      faults.silenceSymbol(symbolParam(exchange, url), number(url, 'millis', 10_000), now);
      return true;
    case '/control/skip-update-ids':
      faults.skipDepthUpdates(symbolParam(exchange, url), number(url, 'count', 1), DEPTH_STREAM_SPEEDS);
      return true;
    case '/control/fees':
      faults.fees = { maker: number(url, 'maker', 0.001), taker: number(url, 'taker', 0.001) };
      return true;
    case '/control/reset':
      faults.reset();
      exchange.binance.resetLimits();
      return true;
    default:
      return false;
  }
}

function number(url: URL, name: string, fallback: number, signed = false): number {
  const text = url.searchParams.get(name);
  const value = text === null ? fallback : Number(text);
  if (!Number.isFinite(value) || (!signed && value < 0)) throw new ControlError(`${name} must be a ${signed ? '' : 'non-negative '}number, got ${String(text)}`);
  return value;
}

function symbolParam(exchange: Controllable, url: URL): string {
  const symbol = url.searchParams.get('symbol') ?? '';
  if (!exchange.binance.symbols.has(symbol)) throw new ControlError(`symbol must be one of ${[...exchange.binance.symbols.keys()].join(', ')}, got ${symbol}`);
  return symbol;
}
