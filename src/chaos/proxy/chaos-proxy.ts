import { Agent as HttpAgent, createServer, type Server } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TelemetryConfigError } from '../../errors.js';
import { isLoopbackBind } from '../../validation/loopback.js';
import { CONTROL_PREFIX, handleControl } from './control-routes.js';
import { forwardHttp, type Upstream } from './http-forward.js';
import { ProxyFaults } from './proxy-faults.js';
import { WsBridge } from './ws-bridge.js';

/** Options of {@link ChaosProxy.start}. */
export interface ChaosProxyOptions {
  /** The exchange's HTTP base, `http://127.0.0.1:8080` or `https://api.binance.com`; WebSockets go to the same host as `ws(s)://`. */
  readonly upstream: string;
  /** Where WebSockets go when the exchange serves them from another host, e.g. `wss://stream.binance.com:9443`. Default: `upstream` as `ws(s)://`. */
  readonly wsUpstream?: string;
  /** Address to listen on. Default `127.0.0.1`; anything but loopback needs a token. */
  readonly host?: string;
  /** Port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** When set, the control API needs `Authorization: Bearer <token>`; at least 16 characters. */
  readonly token?: string;
  /** The clock the faults run on, epoch ms (tests pass a fake one). Default `Date.now`. */
  readonly now?: () => number;
}


/** A base URL of one of `schemes` (`['http', 'https']`), nothing but scheme, host and port. */
function baseUrl(setting: string, value: string, schemes: readonly [string, string]): URL {
  const [plain, secure] = schemes;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TelemetryConfigError(setting, `must be a ${plain}:// or ${secure}:// URL such as ${plain}://127.0.0.1:8080, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== `${plain}:` && url.protocol !== `${secure}:`) throw new TelemetryConfigError(setting, `must be ${plain}:// or ${secure}://, got ${url.protocol}`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) {
    throw new TelemetryConfigError(setting, 'must be the exchange’s base URL alone (scheme, host, port): no path, query or credentials');
  }
  return url;
}

/**
 * A fault-injecting HTTP and WebSocket proxy between a bot and its exchange: point the bot's
 * exchange URLs at {@link url}, and inject faults through `POST {@link controlUrl}/<fault>`.
 * Everything else is forwarded to the upstream as it is. It keeps no request content (keys and
 * signatures travel through, never into its state), and logs nothing.
 */
export class ChaosProxy {
  /** `http://127.0.0.1:PORT`: where the bot's REST base goes (WebSockets: `ws://` the same). */
  readonly url: string;
  /** `http://127.0.0.1:PORT/__chaos`. */
  readonly controlUrl: string;
  /** The upstream base, as given. */
  readonly upstream: string;
  readonly faults: ProxyFaults;
  readonly #server: Server;
  readonly #bridge: WsBridge;
  readonly #agent: HttpAgent;

  private constructor(server: Server, url: string, upstream: string, faults: ProxyFaults, bridge: WsBridge, agent: HttpAgent) {
    this.#server = server;
    this.url = url;
    this.controlUrl = `${url}${CONTROL_PREFIX}`;
    this.upstream = upstream;
    this.faults = faults;
    this.#bridge = bridge;
    this.#agent = agent;
  }

  /**
   * Listens and resolves once ready.
   * @throws TelemetryConfigError for an unusable upstream, a short token, or a non-loopback address.
   */
  static async start(options: ChaosProxyOptions): Promise<ChaosProxy> {
    const base = baseUrl('upstream', options.upstream, ['http', 'https']);
    const wsBase = options.wsUpstream === undefined ? `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}` : baseUrl('wsUpstream', options.wsUpstream, ['ws', 'wss']).origin;
    const host = options.host ?? '127.0.0.1';
    if (options.token !== undefined && options.token.length < 16) throw new TelemetryConfigError('token', 'must be at least 16 characters');
    // Only loopback, token or not: the token guards the control API, while forwarding takes
    // anyone's requests to the exchange from this machine's IP (its weight, its bans).
    if (!isLoopbackBind(host)) throw new TelemetryConfigError('listen', `${host} is not loopback: the proxy would relay anyone's requests to the exchange from this machine's IP; listen on 127.0.0.1 or ::1`);
    const faults = new ProxyFaults(options.now);
    const agent = base.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    const upstream: Upstream = { base, agent };
    const bridge = new WsBridge(wsBase, faults);
    const token = options.token === undefined ? undefined : Buffer.from(options.token);
    const server = createServer((req, res) => {
      const path = req.url ?? '/';
      const work =
        path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`) || path.startsWith(`${CONTROL_PREFIX}?`)
          ? handleControl(req, res, { faults, dropConnections: () => bridge.dropAll(), stateExtras: () => ({ upstream: base.origin, wsUpstream: wsBase, connections: bridge.connections }) }, token)
          : forwardHttp(req, res, upstream, faults);
      work.catch(() => {
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
    });
    server.on('upgrade', (req, socket, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      if ((req.url ?? '').startsWith(CONTROL_PREFIX)) socket.destroy();
      else bridge.upgrade(req, socket, head);
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return new ChaosProxy(server, `http://${shown}:${address.port}`, base.origin, faults, bridge, agent);
  }

  /** Stops listening, drops every connection; resolves once closed. */
  async close(): Promise<void> {
    this.#bridge.close();
    this.#agent.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
