import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnomalyDetector, ConnectionMonitor, createLogger, logNotifier, messageText, mountChaosRoutes, startTelemetry, type TelemetryHandle, tradingPresets } from 'trading-telemetry';
import type { ServerMessage } from '../simulated-exchange/protocol.js';
import { SimulatedExchange } from '../simulated-exchange/simulated-exchange.js';
import type { BotOptions } from './bot-options.js';
import { OrderManager } from './order-manager.js';
import { Portfolio } from './portfolio.js';
import { MeanReversion } from './strategy.js';

const EXCHANGE = 'sim';

/** A running bot. */
export interface RunningBot {
  readonly telemetry: TelemetryHandle;
  /** The exchange it trades on (the in-process one, when it started one). */
  readonly exchangeUrl: string;
  readonly simulator: SimulatedExchange | undefined;
  readonly orders: OrderManager;
  /** Stops gracefully: drain, cancel open orders, close the feed, flush telemetry. */
  stop(reason?: string): Promise<void>;
}

/**
 * Starts the example bot: telemetry first, then the exchange connection (watched by a
 * ConnectionMonitor), the strategy loop, health checks and the shutdown hooks.
 * `exit` decides what happens when the lifecycle stops (process.exit for the CLI).
 */
export async function startBot(options: BotOptions, exit: (code: number) => void): Promise<RunningBot> {
  // 1. Telemetry: metrics, traces, health and lifecycle. OTEL_* variables are honoured.
  const root = createLogger();
  const log = root.child({ component: 'bot' });
  // Alerting reads the portfolio, created below; the rules only run once the bot is up.
  const late: { portfolio?: Portfolio } = {};
  const telemetry = await startTelemetry({
    serviceName: process.env.OTEL_SERVICE_NAME ?? 'example-trading-bot',
    serviceVersion: '0.1.0',
    ...(options.port === undefined ? {} : { server: { port: options.port } }),
    lifecycle: { drainDelayMillis: options.drainMillis, hookTimeoutMillis: 3000, logger: log, exit },
    alerting: {
      rules: tradingPresets({
        dailyLossLimit: 25_000,
        consecutiveLosses: { read: () => late.portfolio?.consecutiveLosses ?? 0, threshold: 8 },
        disconnectedForSeconds: 5,
        staleMarketDataSeconds: 5,
        maxRejectionRate: 0.3,
        maxLatencyP95Seconds: 1,
        fillsStoppedSeconds: 5,
        anomalies: new AnomalyDetector(undefined, { holdMillis: 10_000 }),
      }),
      notifiers: [logNotifier(root.child({ component: 'alerts' }))],
      incidents: { path: process.env.BOT_INCIDENTS_PATH ?? join(tmpdir(), 'trading-telemetry-example', 'incidents.jsonl') },
      logger: log,
    },
  });
  const { telemetry: t, health, lifecycle, alerting } = telemetry;
  // Chaos drills (`npm run chaos`) stall the loop or fill the heap through /chaos/*; off unless asked for.
  const endChaos = process.env.TRADING_TELEMETRY_CHAOS === '1' && telemetry.server !== undefined ? mountChaosRoutes(telemetry.server) : undefined;

  // 2. The exchange: ours in-process unless --exchange points elsewhere.
  const simulator = options.exchangeUrl === undefined ? new SimulatedExchange({ seed: options.seed }) : undefined;
  const exchangeUrl = options.exchangeUrl ?? `${(await simulator?.start()) ?? ''}/ws`;

  // 3. Trading state: portfolio (feeds the P&L and position gauges), strategy, orders.
  const book = new Portfolio(t, EXCHANGE, 'mean-reversion', 1_000_000);
  late.portfolio = book;
  const strategy = new MeanReversion({ notionalPerOrder: 5_000, maxPositionNotional: 50_000 });
  const orders = new OrderManager({ telemetry: t, portfolio: book, log: root.child({ component: 'orders' }), exchange: EXCHANGE, limits: { maxPositionNotional: 60_000 } });

  // 4. One WebSocket for market data and order entry, kept alive by the ConnectionMonitor.
  // Health agrees with the alert: degraded after 3 s without data, as stale_market_data fires at 5 s.
  const monitor = new ConnectionMonitor({ marketData: t.marketData, health, staleness: { degradedAfterSeconds: 3, unhealthyAfterSeconds: 15 } });
  monitor.on('state', (exchange, state, previous) => {
    log.info({ exchange, state, previous }, 'exchange connection');
    if (state === 'connecting' && previous !== 'connecting') {
      orders.connect(undefined);
      orders.onDisconnect();
    }
  });
  monitor.add({
    exchange: EXCHANGE,
    url: exchangeUrl,
    staleAfterMillis: 3000,
    backoff: { initialDelayMillis: 100, maxDelayMillis: 2000 },
    parse: (data) => {
      const message = JSON.parse(messageText(data)) as ServerMessage;
      return message.type === 'tick' ? { symbol: message.symbol, exchangeTimestampMs: message.ts } : undefined;
    },
    onOpen: (socket) => {
      orders.connect((message) => {
        if (socket.readyState !== socket.OPEN) return false;
        socket.send(JSON.stringify(message));
        return true;
      });
      lifecycle.markReady();
    },
    onMessage: (data) => {
      const message = JSON.parse(messageText(data)) as ServerMessage;
      if (message.type === 'tick') {
        strategy.onTick(message.symbol, message.price, message.bid, message.ask);
        book.mark(message.symbol, message.price);
      } else {
        orders.onExchangeMessage(message);
      }
    },
  });

  // 5. The trading loop: `rate` orders per second, round robin over the symbols.
  let next = 0;
  const trading = setInterval(() => {
    const symbol = options.symbols[next++ % options.symbols.length];
    // No new orders while the exchange is unreachable: they could only be refused.
    if (symbol === undefined || !orders.connected) return;
    // What the position will be once the orders already out fill: a slow exchange must not make the strategy overshoot.
    const position = orders.exposure(symbol);
    const signal = strategy.signal(symbol, position);
    if (signal === undefined) return;
    // The governor (driven by alerts and anomalies) may throttle or halt new risk.
    const reducesRisk = (signal.side === 'sell' && position > 0) || (signal.side === 'buy' && position < 0);
    if (alerting?.governor.allow({ reducesRisk }).allowed === false) return;
    orders.place(signal);
  }, 1000 / Math.max(options.rate, 0.1));
  const housekeeping = setInterval(() => {
    orders.cancelStale(2000);
    book.refresh();
  }, 500);

  // 6. Graceful shutdown, in this order, after the drain delay.
  if (endChaos !== undefined) lifecycle.onShutdown('end chaos faults', endChaos);
  lifecycle.onShutdown('stop trading', () => {
    clearInterval(trading);
    clearInterval(housekeeping);
  });
  lifecycle.onShutdown('cancel open orders', async () => {
    const cancelled = await orders.cancelAll(2000);
    log.info({ cancelled, stillOpen: orders.openOrders }, 'open orders cancelled');
  });
  lifecycle.onShutdown('close exchange connection', () => monitor.close());
  if (simulator !== undefined) lifecycle.onShutdown('stop simulated exchange', () => simulator.stop());
  lifecycle.installProcessHandlers();
  if (options.durationSeconds !== undefined) {
    setTimeout(() => void lifecycle.shutdown(`--duration ${options.durationSeconds} elapsed`), options.durationSeconds * 1000).unref();
  }

  return {
    telemetry,
    exchangeUrl,
    simulator,
    orders,
    stop: (reason = 'stop requested') => lifecycle.shutdown(reason),
  };
}
