import { ChaosProxy } from '../chaos/proxy/chaos-proxy.js';
import { FAULT_REQUESTS } from '../chaos/proxy/fault-requests.js';

/** The usage line of `chaos --proxy`. */
export const PROXY_USAGE = 'trading-telemetry chaos --proxy --upstream URL [--ws-upstream URL] [--listen HOST:PORT] [--token TOKEN]';

/** What `chaos --help` says of the proxy. */
export const CHAOS_PROXY_HELP = `With --proxy it runs a fault-injecting HTTP and WebSocket proxy between your bot and its
exchange instead (docs/reliability.md, "The fault proxy"), until Ctrl-C. Point the bot's ccxt
urls at the proxy; it forwards everything to --upstream, and injects faults on the wire when told.
It prints one JSON line {"proxy":…,"control":…,"upstream":…} once it listens.

  --upstream URL      the exchange's base, e.g. http://127.0.0.1:8080 (the simulator)
  --ws-upstream URL   where WebSockets go when another host serves them (ws:// or wss://);
                      default: the upstream's host
  --listen HOST:PORT  default 127.0.0.1:0 (a free port); loopback only (127.0.0.1, ::1)
  --token TOKEN       the control API then needs Authorization: Bearer TOKEN (at least 16
                      characters; TRADING_TELEMETRY_CHAOS_TOKEN does the same)

  faults: POST <control>/<fault> with a JSON body; GET <control>/state
    ${Object.keys(FAULT_REQUESTS).join(', ')}`;

/** What `chaos --proxy` was asked to do. */
export interface ChaosProxyArguments {
  readonly upstream: string;
  readonly wsUpstream: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
}

/** `HOST:PORT`, `[::1]:PORT` or `PORT`. */
function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:(?:\[([^\]]+)\]|([^:[\]]+)):)?(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (match === null || port > 65_535) throw new Error(`--listen must be HOST:PORT, e.g. 127.0.0.1:8081 (0: a free port), got ${value}\nusage: ${PROXY_USAGE}`);
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port };
}

/** Parses the arguments after `chaos --proxy` (without `--proxy`); throws with the usage on anything unknown. */
export function parseChaosProxyArguments(argv: readonly string[], env: NodeJS.ProcessEnv): ChaosProxyArguments {
  let upstream: string | undefined;
  let wsUpstream: string | undefined;
  let listen = { host: '127.0.0.1', port: 0 };
  let token = env.TRADING_TELEMETRY_CHAOS_TOKEN;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\nusage: ${PROXY_USAGE}`);
      return next;
    };
    if (arg === '--upstream') upstream = value();
    else if (arg === '--ws-upstream') wsUpstream = value();
    else if (arg === '--listen') listen = parseListen(value());
    else if (arg === '--token') token = value();
    else throw new Error(`${arg} is not an option of chaos --proxy\nusage: ${PROXY_USAGE}`);
  }
  if (upstream === undefined) throw new Error(`--upstream is required: the exchange's base URL, e.g. http://127.0.0.1:8080\nusage: ${PROXY_USAGE}`);
  return { upstream, wsUpstream, ...listen, token: token === '' ? undefined : token };
}

/** Runs the proxy until SIGINT or SIGTERM; resolves with the exit code. */
export async function chaosProxyCommand(argv: readonly string[]): Promise<number> {
  const args = parseChaosProxyArguments(argv, process.env);
  const proxy = await ChaosProxy.start({
    upstream: args.upstream,
    host: args.host,
    port: args.port,
    ...(args.wsUpstream === undefined ? {} : { wsUpstream: args.wsUpstream }),
    ...(args.token === undefined ? {} : { token: args.token }),
  });
  process.stdout.write(`${JSON.stringify({ proxy: proxy.url, control: proxy.controlUrl, upstream: proxy.upstream })}\n`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await proxy.close();
  return 0;
}
