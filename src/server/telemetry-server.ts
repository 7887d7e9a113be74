import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diag } from '@opentelemetry/api';
import { TelemetryConfigError } from '../errors.js';
import { isLoopbackBind } from '../validation/loopback.js';
import { HostPolicy } from './host-policy.js';
import { HttpError } from './http-error.js';
import { RequestContext, sendJson } from './request-context.js';
import { RequestGate } from './request-gate.js';
import { type CachedResponse, ResponseCache } from './response-cache.js';
import { type Method, RouteTable } from './route-table.js';

/** Handles one request. May be async; an {@link HttpError} becomes its status, anything else a 500, never a crash. */
export type RouteHandler = (context: RequestContext) => unknown;

/** Options of one route. */
export interface RouteOptions {
  /** Served without the bearer token (Kubernetes probes). Default false. */
  readonly public?: boolean;
  /**
   * A GET route whose answer depends only on its path and query (and on {@link vary}): renders
   * are shared for this long (and concurrent requests wait for the one running), in ms.
   * Default 0 (every request renders).
   */
  readonly cacheMillis?: number;
  /**
   * For a cached route whose answer also depends on request headers: the variant a request
   * gets (`/metrics`: the format its Accept header negotiates). Renders are shared per path,
   * query and variant. Default: one variant.
   */
  readonly vary?: (req: IncomingMessage) => string;
  /** Admitted ahead of queued requests when the server is busy (the probes). Default false. */
  readonly priority?: boolean;
}

/** Options of {@link TelemetryServer}. */
export interface TelemetryServerOptions {
  readonly host: string;
  readonly port: number;
  /** Whole-request time limit in ms; slow headers or bodies get 408. Default 10000. */
  readonly requestTimeoutMillis?: number;
  /** Largest request body in bytes; larger gets 413. Default 64 KiB. */
  readonly maxBodyBytes?: number;
  /**
   * When set, every route but the public ones (`/health/*`) needs `Authorization: Bearer <token>`
   * (or `?access_token=<token>`, so a browser can open the dashboard); otherwise 401.
   */
  readonly token?: string;
  /** Host names answered besides loopback names and IP literals (DNS rebinding defence). Default none. */
  readonly allowedHosts?: readonly string[];
  /** Serve state-changing routes on a non-loopback address without a token. Default false. */
  readonly allowMutations?: boolean;
  /** Open connections at most; more are refused. Default 256. */
  readonly maxConnections?: number;
  /** Requests handled per second at most; more wait their turn (up to `maxQueuedRequests`, then 503). Default 400. */
  readonly maxRequestsPerSecond?: number;
  /** Requests that may wait for their turn. Default 512. */
  readonly maxQueuedRequests?: number;
}

interface Route {
  readonly handler: RouteHandler;
  readonly public: boolean;
  readonly cacheMillis: number;
  readonly vary: ((req: IncomingMessage) => string) | undefined;
  readonly priority: boolean;
}

const MUTATING = new Set(['POST', 'DELETE', 'PUT', 'PATCH']);

/**
 * The one embedded HTTP server: `/metrics`, `/health/*`, `/api/*` and the dashboard share a
 * port (127.0.0.1:9464 by default). Routes are path patterns with `:name` captures, so a path
 * can only reach a handler that was registered: there is no file-system mapping to escape.
 *
 * Every request is checked, in order: a Host it serves (403: DNS rebinding), no cross-origin
 * `Origin` and no cross-site `Sec-Fetch-Site` (403: another page the operator opens), the route
 * and method (404, 405), the bearer token (401), and for a state-changing route
 * `Content-Type: application/json` (415: a "simple" cross-site form post needs no preflight) and
 * mutations being on (403 on a non-loopback bind without a token). Then the request gate admits
 * it (or it waits, or 503 with Retry-After), within the time (408) and body (413) limits.
 * Handler failures answer 500 and the server keeps serving. See docs/security.md.
 */
export class TelemetryServer {
  readonly #server: Server;
  readonly #routes = new RouteTable<Route>();
  readonly #options: TelemetryServerOptions;
  readonly #token: Buffer | undefined;
  readonly #hosts: HostPolicy;
  readonly #gate: RequestGate;
  readonly #cache = new ResponseCache();
  readonly #refused = { host: 0, cross_site: 0, busy: 0 };

  constructor(options: TelemetryServerOptions) {
    this.#options = options;
    this.#token = options.token === undefined ? undefined : Buffer.from(options.token);
    this.#hosts = new HostPolicy(options.allowedHosts);
    const rate = options.maxRequestsPerSecond ?? 400;
    this.#gate = new RequestGate({ ratePerSecond: rate, burst: Math.max(1, Math.ceil(rate / 4)), maxQueued: options.maxQueuedRequests ?? 512 });
    const timeout = options.requestTimeoutMillis ?? 10_000;
    // Node checks those timeouts on an interval (30 s by default); check often enough to honour them.
    const connectionsCheckingInterval = Math.max(100, Math.min(1000, timeout / 2));
    this.#server = createServer({ requestTimeout: timeout, headersTimeout: timeout, connectionsCheckingInterval }, (req, res) => {
      this.#handle(req, res);
    });
    this.#server.keepAliveTimeout = 5_000;
    this.#server.maxConnections = options.maxConnections ?? 256;
  }

  /** Whether state-changing routes are served: on loopback, with a token, or when allowed outright. */
  get mutationsAllowed(): boolean {
    return this.#options.allowMutations === true || this.#token !== undefined || isLoopbackBind(this.#options.host);
  }

  /** Requests refused so far, by reason (foreign Host, cross-site, over the queue), for the self-metrics. */
  get refused(): Readonly<Record<'host' | 'cross_site' | 'busy', number>> {
    return { ...this.#refused, busy: this.#gate.refused };
  }

  /** Serves `method path` with `handler`. `:name` segments capture (see {@link RequestContext.param}). */
  route(method: Method, path: string, handler: RouteHandler, options: RouteOptions = {}): this {
    this.#routes.add(method, path, { handler, public: options.public ?? false, cacheMillis: options.cacheMillis ?? 0, vary: options.vary, priority: options.priority ?? false });
    return this;
  }

  /**
   * Starts listening; resolves with the bound address (port 0 picks a free one).
   * @throws TelemetryConfigError when the port is taken, naming the options that move it.
   */
  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(error.code === 'EADDRINUSE' ? portInUse(this.#options) : error);
      };
      this.#server.once('error', onError);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', onError);
        resolve();
      });
    });
    return this.address();
  }

  /** The bound address. Only valid after {@link listen}. */
  address(): AddressInfo {
    return this.#server.address() as AddressInfo;
  }

  /** The base URL, e.g. `http://127.0.0.1:9464`. Only valid after {@link listen}. */
  url(): string {
    const { address, port, family } = this.address();
    return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  }

  /** Stops accepting connections and ends open ones (streams included); resolves when closed. */
  async close(): Promise<void> {
    this.#gate.close();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** The largest request body routes may read, in bytes. */
  get maxBodyBytes(): number {
    return this.#options.maxBodyBytes ?? 65_536;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const search = queryAt < 0 ? '' : target.slice(queryAt + 1);
    try {
      const route = this.#check(req, path, search);
      const admitted = this.#gate.admit(
        () => this.#dispatch(req, res, route, { path, search }),
        () => res.destroyed || res.socket?.destroyed !== false,
        route.value.priority,
      );
      if (!admitted) throw new HttpError(503, 'busy: too many requests are waiting; retry shortly', { 'retry-after': '1' });
    } catch (error) {
      fail(res, path, error);
    }
  }

  /** Every check before a request may take a turn; the route it reaches. */
  #check(req: IncomingMessage, path: string, search: string): { value: Route; params: Readonly<Record<string, string>> } {
    if (!this.#hosts.allows(req.headers.host)) {
      this.#refused.host++;
      throw new HttpError(403, `host ${JSON.stringify(req.headers.host ?? '')} is not served here: add it to server.allowedHosts (TRADING_TELEMETRY_ALLOWED_HOSTS)`);
    }
    if (crossSite(req)) {
      this.#refused.cross_site++;
      throw new HttpError(403, 'cross-site requests are refused: this server answers its own pages and non-browser clients only');
    }
    const method = req.method ?? 'GET';
    const match = this.#routes.find(method, path);
    if (match.kind === 'missing') throw new HttpError(404, `no route ${path}`);
    if (match.kind === 'method') throw new HttpError(405, `${method} is not served on ${path}`, { allow: match.allow.join(', ') });
    if (!match.value.public && !this.#authorized(req, search)) throw new HttpError(401, 'unauthorized: send Authorization: Bearer <token>', { 'www-authenticate': 'Bearer' });
    if (MUTATING.has(method)) {
      const type = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase();
      if (type !== 'application/json') throw new HttpError(415, 'state-changing requests need Content-Type: application/json');
      if (!this.mutationsAllowed) {
        throw new HttpError(403, `state changes are off: the server listens on ${this.#options.host} without a token; set server.token (TRADING_TELEMETRY_TOKEN), or server.allowMutations`);
      }
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > this.maxBodyBytes) throw new HttpError(413, `body over ${this.maxBodyBytes} bytes`, { connection: 'close' });
    return match;
  }

  #dispatch(req: IncomingMessage, res: ServerResponse, route: { value: Route; params: Readonly<Record<string, string>> }, target: { path: string; search: string }): void {
    const { path } = target;
    const context = { ...target, params: route.params };
    // A state change makes every shared render stale.
    if (MUTATING.has(req.method ?? '')) res.once('finish', () => this.#cache.clear());
    try {
      if (route.value.cacheMillis > 0) {
        const url = target.search === '' ? path : `${path}?${target.search}`;
        // A NUL cannot occur in a request target, so a variant never collides with another URL.
        const key = route.value.vary === undefined ? url : `${url}\u0000${route.value.vary(req)}`;
        this.#cache
          .get(key, route.value.cacheMillis, () => render(route.value.handler, new CaptureTarget(req, res, context, this.maxBodyBytes)))
          .then((response) => res.writeHead(response.status, response.headers).end(response.body))
          .catch((error: unknown) => fail(res, path, error));
        return;
      }
      const pending = route.value.handler(new RequestContext(req, res, context, this.maxBodyBytes));
      if (pending instanceof Promise) pending.catch((error: unknown) => fail(res, path, error));
    } catch (error) {
      fail(res, path, error);
    }
  }

  #authorized(req: IncomingMessage, search: string): boolean {
    if (this.#token === undefined) return true;
    const header = req.headers.authorization;
    const presented = header?.startsWith('Bearer ') === true ? header.slice(7) : new URLSearchParams(search).get('access_token');
    if (presented === null) return false;
    const candidate = Buffer.from(presented);
    return candidate.length === this.#token.length && timingSafeEqual(candidate, this.#token);
  }
}

/** A request context whose reply is captured, for the response cache. */
class CaptureTarget {
  readonly response: Promise<CachedResponse>;
  readonly context: RequestContext;

  constructor(req: IncomingMessage, res: ServerResponse, target: { path: string; search: string; params: Readonly<Record<string, string>> }, maxBodyBytes: number) {
    let deliver: (response: CachedResponse) => void = () => undefined;
    this.response = new Promise((resolve) => (deliver = resolve));
    this.context = new RequestContext(req, res, target, maxBodyBytes, (status, headers, body) => deliver({ status, headers, body: Buffer.from(body) }));
  }
}

/** Runs `handler` into `capture`: its reply, or the error it threw. */
async function render(handler: RouteHandler, capture: CaptureTarget): Promise<CachedResponse> {
  await handler(capture.context);
  return capture.response;
}

/**
 * A request from another page than ours: an `Origin` that is not this server's own, or a
 * `Sec-Fetch-Site` other than `same-origin` or `none` (a typed URL). Browsers send them on
 * every cross-origin request (and on every POST); non-browser clients send neither.
 */
function crossSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.headers.host?.toLowerCase();
  } catch {
    return true; // "null" (a sandboxed frame, a file) or garbage
  }
}

/** Answers a failed request: an HttpError with its own status, anything else 500 (and logged). */
function fail(res: ServerResponse, path: string, error: unknown): void {
  if (!(error instanceof HttpError)) diag.error(`trading-telemetry: handler for ${path} failed`, error);
  if (res.headersSent) {
    res.end();
    return;
  }
  if (error instanceof HttpError) sendJson(res, error.status, { error: error.message }, error.headers);
  else sendJson(res, 500, { error: 'internal error' });
}

function portInUse(options: TelemetryServerOptions): TelemetryConfigError {
  return new TelemetryConfigError(
    'server.port',
    `${options.host}:${options.port} is already in use; pass another port (startTelemetry({ server: { port } }), 0 picks a free one), set OTEL_EXPORTER_PROMETHEUS_PORT, or stop the process that holds it`,
  );
}
