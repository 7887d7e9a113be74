/** How to run the bot: from the command line (`npm start -- --rate 20`) or from code. */
export interface BotOptions {
  /** The exchange WebSocket; an in-process simulated exchange when omitted. */
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
}

const USAGE = `usage: npm start -- [--exchange ws://host:port/ws] [--duration SECONDS] [--symbols BTC-USD,ETH-USD]
                      [--rate ORDERS_PER_SECOND] [--port PORT] [--seed N] [--drain-ms MS]`;

/** Parses `argv` (the part after the script), failing with the usage text on anything unknown. */
export function parseBotOptions(argv: readonly string[]): BotOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === undefined || !flag.startsWith('--') || value === undefined) throw new Error(`bad arguments near ${String(flag)}\n${USAGE}`);
    values.set(flag.slice(2), value);
  }
  const known = ['exchange', 'duration', 'symbols', 'rate', 'port', 'seed', 'drain-ms'];
  for (const key of values.keys()) if (!known.includes(key)) throw new Error(`unknown option --${key}\n${USAGE}`);
  const number = (key: string, fallback: number): number => {
    const raw = values.get(key);
    const parsed = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${key} must be a non-negative number, got ${String(raw)}\n${USAGE}`);
    return parsed;
  };
  const exchange = values.get('exchange');
  if (exchange !== undefined && !/^wss?:\/\//.test(exchange)) throw new Error(`--exchange must be a ws:// URL, got ${exchange}\n${USAGE}`);
  const duration = values.has('duration') ? number('duration', 0) : undefined;
  const port = values.has('port') ? number('port', 0) : undefined;
  return {
    ...(exchange === undefined ? {} : { exchangeUrl: exchange }),
    ...(duration === undefined ? {} : { durationSeconds: duration }),
    ...(port === undefined ? {} : { port }),
    symbols: (values.get('symbols') ?? 'BTC-USD,ETH-USD,SOL-USD').split(',').filter(Boolean),
    rate: number('rate', 10),
    seed: number('seed', 42),
    drainMillis: number('drain-ms', 1000),
  };
}
