import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diag } from '@opentelemetry/api';

/** Handles one request. May be async; a throw or rejection becomes a 500, never a crash. Its return value is ignored. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => unknown;

/** Options of one route. */
export interface RouteOptions {
  /** Methods served; GET (and HEAD) by default. */
  readonly methods?: readonly string[];
  /** Served without the bearer token (Kubernetes probes). Default false. */
  readonly public?: boolean;
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
}

interface Route {
  readonly handler: RouteHandler;
  readonly methods: readonly string[];
  readonly public: boolean;
}

function reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(`${text}\n`);
}

/**
 * The one embedded HTTP server: `/metrics`, `/health/*`, `/api/*` and the dashboard share a
 * port (127.0.0.1:9464 by default). Routes are exact paths or prefixes ending in `/*`, so a
 * path can only reach a handler that was registered: there is no file-system mapping to
 * escape. Requests get a time limit (408), a body limit (413), method checks (405) and an
 * optional bearer token (401). Handler failures answer 500 and the server keeps serving.
 */
export class TelemetryServer {
  readonly #server: Server;
  readonly #exact = new Map<string, Route>();
  readonly #prefixes: [string, Route][] = [];
  readonly #options: TelemetryServerOptions;
  readonly #token: Buffer | undefined;

  constructor(options: TelemetryServerOptions) {
    this.#options = options;
    this.#token = options.token === undefined ? undefined : Buffer.from(options.token);
    const timeout = options.requestTimeoutMillis ?? 10_000;
    // Node checks those timeouts on an interval (30 s by default); check often enough to honour them.
    const connectionsCheckingInterval = Math.max(100, Math.min(1000, timeout / 2));
    this.#server = createServer({ requestTimeout: timeout, headersTimeout: timeout, connectionsCheckingInterval }, (req, res) => {
      this.#handle(req, res);
    });
    this.#server.keepAliveTimeout = 5_000;
  }

  /** The largest request body routes may read, in bytes. */
  get maxBodyBytes(): number {
    return this.#options.maxBodyBytes ?? 65_536;
  }

  /** Serves `path` with `handler`. A path ending in `/*` matches everything below it. */
  route(path: string, handler: RouteHandler, options: RouteOptions = {}): this {
    const methods = options.methods ?? ['GET'];
    const route: Route = { handler, methods: methods.includes('GET') ? [...methods, 'HEAD'] : methods, public: options.public ?? false };
    if (path.endsWith('/*')) this.#prefixes.push([path.slice(0, -1), route]);
    else this.#exact.set(path, route);
    return this;
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
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
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const route = this.#exact.get(path) ?? this.#prefixes.find(([prefix]) => path.startsWith(prefix))?.[1];
    if (route === undefined) return reply(res, 404, 'not found');
    if (!route.methods.includes(req.method ?? 'GET')) return reply(res, 405, 'method not allowed', { allow: route.methods.join(', ') });
    if (!route.public && !this.#authorized(req)) return reply(res, 401, 'unauthorized', { 'www-authenticate': 'Bearer' });
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > this.maxBodyBytes) {
      res.setHeader('connection', 'close');
      return reply(res, 413, `body over ${this.maxBodyBytes} bytes`);
    }
    try {
      const pending = route.handler(req, res);
      if (pending instanceof Promise) pending.catch((error: unknown) => this.#fail(res, path, error));
    } catch (error) {
      this.#fail(res, path, error);
    }
  }

  #authorized(req: IncomingMessage): boolean {
    if (this.#token === undefined) return true;
    const header = req.headers.authorization;
    const presented = header?.startsWith('Bearer ') === true ? header.slice(7) : new URL(req.url ?? '/', 'http://x').searchParams.get('access_token');
    if (presented === null) return false;
    const candidate = Buffer.from(presented);
    return candidate.length === this.#token.length && timingSafeEqual(candidate, this.#token);
  }

  #fail(res: ServerResponse, path: string, error: unknown): void {
    diag.error(`trading-telemetry: handler for ${path} failed`, error);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('internal error\n');
  }
}

/**
 * Reads a request body of at most `maxBytes`; rejects with status 413 past it. For routes
 * that accept POST (alert acknowledgements, silences).
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw Object.assign(new Error(`body over ${maxBytes} bytes`), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
