import ccxt from 'ccxt';
import type { TelemetryHandle } from 'trading-telemetry';
import { instrumentExchange } from 'trading-telemetry/ccxt';
import { DEFAULT_API_CREDENTIALS } from '../simulated-exchange/binance/binance-venue.js';
import { binanceSimulatorOptions } from '../simulated-exchange/ccxt-urls.js';

/** The bot's exchange client: the real ccxt.pro binance, REST and WebSocket. */
export type Exchange = InstanceType<typeof ccxt.pro.binance>;

/**
 * ccxt.pro's binance pointed at the simulated exchange at `httpUrl` (its Binance spot API), with
 * the simulator's key pair, instrumented: from here on every call, order and stream is traced
 * and measured, and `exchange:binance` is a readiness check (degraded after 3 s without book
 * updates, as the stale-data alert fires at 5 s; unhealthy after 15 s or while disconnected).
 */
export function connectExchange(httpUrl: string, telemetry: TelemetryHandle): Exchange {
  const exchange = new ccxt.pro.binance({
    ...DEFAULT_API_CREDENTIALS,
    ...binanceSimulatorOptions(httpUrl),
    // Redial a lost socket after 100 ms, doubling, at most 2 s apart (ccxt's default backs off to a minute).
    options: { ws: { backoff: { base: 100, max: 2_000 } } },
  });
  return instrumentExchange(exchange, telemetry, { strategy: 'mean-reversion', traceWatchCalls: false, health: { degradedAfterSeconds: 3, unhealthyAfterSeconds: 15 } });
}
