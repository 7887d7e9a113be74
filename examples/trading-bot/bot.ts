import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, startTelemetry, type TelemetryHandle } from 'trading-telemetry';
import { AnomalyDetector, logNotifier, startAlerting, tradingPresets } from 'trading-telemetry/alerting';
import { SimulatedExchange } from '../simulated-exchange/simulated-exchange.js';
import type { BotOptions } from './bot-options.js';
import { connectExchange } from './exchange.js';
import { MarketFeed } from './market-feed.js';
import { OrderManager } from './order-manager.js';
import { Portfolio } from './portfolio.js';
import { MeanReversion } from './strategy.js';
import { watchLoop } from './watch-loop.js';

/** The exchange, as ccxt names it: the `trading.exchange` of everything recorded. */
const EXCHANGE = 'binance';

/** A running bot. */
export interface RunningBot {
  readonly telemetry: TelemetryHandle;
  /** The simulated exchange it trades on: its HTTP base, where the control API is too. */
  readonly exchangeUrl: string;
  readonly simulator: SimulatedExchange | undefined;
  readonly orders: OrderManager;
  /** Stops gracefully: drain, cancel open orders, close the exchange, flush telemetry. */
  stop(reason?: string): Promise<void>;
}

/** The incident history: BOT_INCIDENTS_PATH, else one under the temp directory. */
const incidentsPath = process.env.BOT_INCIDENTS_PATH ?? join(tmpdir(), 'trading-telemetry-example', 'incidents.jsonl');

/**
 * Starts the example bot: telemetry first, then the exchange (ccxt.pro's binance, instrumented),
 * the trading state, alerting over it, the market and account streams, the strategy loop and the
 * shutdown hooks. `exit` ends the process after a signal or `--duration` (process.exit for the CLI).
 */
export async function startBot(options: BotOptions, exit: (code: number) => void): Promise<RunningBot> {
  // 1. Telemetry: metrics, traces, health and lifecycle. OTEL_* and TRADING_TELEMETRY_* variables are honoured.
  const root = createLogger();
  const log = root.child({ component: 'bot' });
  const telemetry = await startTelemetry({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'example-trading-bot',
    serviceVersion: '0.1.0',
    ...(options.port === undefined ? {} : { server: { port: options.port } }),
    // Rejected, slow and timed-out orders' traces are always kept; of the routine ones, 1% (docs/tracing.md).
    ...(options.keepTraces === 'all' ? { orders: { keep: 'all' } } : {}),
    lifecycle: { drainDelayMillis: options.drainMillis, hookTimeoutMillis: 3000, exit },
    logger: log,
  });
  const { telemetry: t, lifecycle } = telemetry;

  // 2. The exchange: the simulator in-process unless --exchange points at one; ccxt instrumented on the handle.
  const simulator = options.exchangeUrl === undefined ? new SimulatedExchange({ seed: options.seed }) : undefined;
  if (simulator !== undefined) await simulator.start();
  const exchangeUrl = options.exchangeUrl ?? simulator?.httpUrl ?? '';
  const exchange = connectExchange(exchangeUrl, telemetry);
  await exchange.loadMarkets();

  // 3. Trading state: portfolio (feeds the P&L and position gauges), strategy, orders.
  const book = new Portfolio(t, EXCHANGE, 'mean-reversion', 1_000_000);
  const strategy = new MeanReversion({ notionalPerOrder: 5_000, maxPositionNotional: 50_000 });
  const orders = new OrderManager({ exchange, portfolio: book, log: root.child({ component: 'orders' }), limits: { maxPositionNotional: 60_000 } });

  // 4. Alerting over the telemetry and the portfolio, both running now.
  const alerting = await startAlerting(telemetry, {
    rules: tradingPresets({
      dailyLossLimit: options.lossLimit ?? 25_000,
      consecutiveLosses: { read: () => book.consecutiveLosses, threshold: 8 },
      disconnectedForSeconds: 5,
      staleMarketDataSeconds: 5,
      maxRejectionRate: 0.3,
      maxLatencyP95Seconds: 1,
      fillsStoppedSeconds: 5,
      rateLimitForSeconds: 3,
      anomalies: new AnomalyDetector(undefined, { holdMillis: 10_000 }),
    }),
    notifiers: [logNotifier(root.child({ component: 'alerts' }))],
    incidents: { path: incidentsPath },
  });

  // 5. The streams: each symbol's book (prices for the strategy and the marks), and the account's orders and trades.
  const streamLog = root.child({ component: 'exchange' });
  const market = new MarketFeed(exchange, options.symbols, (symbol, quote) => {
    strategy.onTick(symbol, quote.microprice, quote.bid, quote.ask);
    book.mark(symbol, quote.microprice);
  }, streamLog);
  const account = [
    watchLoop('orders', () => exchange.watchOrders(), (updates) => orders.onOrders(updates), streamLog),
    watchLoop('trades', () => exchange.watchMyTrades(), (trades) => orders.onTrades(trades), streamLog),
  ];

  // 6. The trading loop: `rate` orders per second, round robin over the symbols.
  let next = 0;
  const trading = setInterval(() => {
    const symbol = options.symbols[next++ % options.symbols.length];
    // No new orders on stale prices, nor while the exchange is unreachable: they could only be refused.
    if (symbol === undefined || !market.fresh(symbol, 3_000)) return;
    // What the position will be once the orders already out fill: a slow exchange must not make the strategy overshoot.
    const position = orders.exposure(symbol);
    const signal = strategy.signal(symbol, position);
    if (signal === undefined) return;
    // The governor (driven by alerts and anomalies, and by the exchange's health: its rate limits,
    // its clock, this symbol's book) may throttle or halt new risk.
    const reducesRisk = (signal.side === 'sell' && position > 0) || (signal.side === 'buy' && position < 0);
    if (!alerting.governor.allow({ exchange: exchange.id, symbol, reducesRisk }).allowed) return;
    orders.place(signal);
  }, 1000 / Math.max(options.rate, 0.1));
  const housekeeping = setInterval(() => {
    orders.cancelStale(2000);
    book.refresh();
  }, 500);

  // 7. Graceful shutdown, in this order, after the drain delay; alerting stops after these, before telemetry flushes.
  lifecycle.onShutdown('stop trading', () => {
    clearInterval(trading);
    clearInterval(housekeeping);
  });
  lifecycle.onShutdown('cancel open orders', async () => {
    const cancelled = await orders.cancelAll(2000);
    log.info({ cancelled, stillOpen: orders.openOrders }, 'open orders cancelled');
  });
  lifecycle.onShutdown('close the exchange', async () => {
    // The loops end as close() settles their pending watch calls.
    const stopped = Promise.all([market.stop(), ...account.map((loop) => loop.stop())]);
    await exchange.close();
    await stopped;
  });
  if (simulator !== undefined) lifecycle.onShutdown('stop simulated exchange', () => simulator.stop());
  lifecycle.installProcessHandlers();
  if (options.durationSeconds !== undefined) {
    const stopAfter = options.durationSeconds;
    setTimeout(() => void lifecycle.shutdown(`--duration ${stopAfter} elapsed`).then(() => exit(lifecycle.exitCode)), stopAfter * 1000).unref();
  }

  return {
    telemetry,
    exchangeUrl,
    simulator,
    orders,
    stop: (reason = 'stop requested') => lifecycle.shutdown(reason),
  };
}
