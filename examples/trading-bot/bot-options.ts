/** How to run the bot: from the command line (`npm start -- --rate 20`) or from code. */
export interface BotOptions {
  /** The simulated exchange's HTTP base (`http://127.0.0.1:8080`); an in-process one when omitted. */
  readonly exchangeUrl?: string;
  /** Stop gracefully after this many seconds; run until a signal when omitted. */
  readonly durationSeconds?: number;
  readonly symbols: readonly string[];
  /** Orders per second across all symbols. */
  readonly rate: number;
  /** Telemetry server port (`/metrics`, `/health`, dashboard); 0 picks a free one. Env/9464 when omitted. */
  readonly port?: number;
  readonly seed: number;
  /** Readiness-to-hooks delay at shutdown, in ms (Kubernetes endpoint propagation). */
  readonly drainMillis: number;
  /** The day's loss, in quote currency net of fees, at which the governor halts new risk (the daily-loss alert). */
  readonly lossLimit?: number;
  /** Which order traces are kept: `default` (startTelemetry's keep policy) or `all` (`orders.keep: 'all'`). Default `default`. */
  readonly keepTraces?: 'default' | 'all';
}

const USAGE = `usage: npm start -- [--exchange http://127.0.0.1:PORT] [--duration SECONDS] [--symbols BTC/USDT,ETH/USDT]
                      [--rate ORDERS_PER_SECOND] [--port PORT] [--seed N] [--drain-ms MS]
                      [--loss-limit USDT] [--keep-traces default|all]`;

/** Parses `argv` (the part after the script), failing with the usage text on anything unknown. */
export function parseBotOptions(argv: readonly string[]): BotOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === undefined || !flag.startsWith('--') || value === undefined) throw new Error(`bad arguments near ${String(flag)}\n${USAGE}`);
    values.set(flag.slice(2), value);
  }
  const known = ['exchange', 'duration', 'symbols', 'rate', 'port', 'seed', 'drain-ms', 'loss-limit', 'keep-traces'];
  for (const key of values.keys()) if (!known.includes(key)) throw new Error(`unknown option --${key}\n${USAGE}`);
  const number = (key: string, fallback: number): number => {
    const raw = values.get(key);
    const parsed = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${key} must be a non-negative number, got ${String(raw)}\n${USAGE}`);
    return parsed;
  };
  // The simulator's HTTP base; its old WebSocket address (ws://host:port/ws) names the same port.
  const given = values.get('exchange');
  const exchange = given?.replace(/^ws:/, 'http:').replace(/\/ws\/?$/, '').replace(/\/+$/, '');
  if (exchange !== undefined && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(exchange)) throw new Error(`--exchange must be the simulator's http://127.0.0.1:PORT, got ${String(given)}\n${USAGE}`);
  const duration = values.has('duration') ? number('duration', 0) : undefined;
  const port = values.has('port') ? number('port', 0) : undefined;
  const keepTraces = values.get('keep-traces') ?? 'default';
  if (keepTraces !== 'default' && keepTraces !== 'all') throw new Error(`--keep-traces must be default or all, got ${keepTraces}\n${USAGE}`);
  return {
    ...(exchange === undefined ? {} : { exchangeUrl: exchange }),
    ...(duration === undefined ? {} : { durationSeconds: duration }),
    ...(port === undefined ? {} : { port }),
    symbols: (values.get('symbols') ?? 'BTC/USDT,ETH/USDT,SOL/USDT').split(',').filter(Boolean),
    rate: number('rate', 10),
    seed: number('seed', 42),
    drainMillis: number('drain-ms', 1000),
    lossLimit: number('loss-limit', 25_000),
    keepTraces,
  };
}
