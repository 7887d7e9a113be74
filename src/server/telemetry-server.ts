import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { diag } from '@opentelemetry/api';

/** Handles one request. May be async; a throw or rejection becomes a 500, never a crash. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** Options of {@link TelemetryServer}. */
export interface TelemetryServerOptions {
  readonly host: string;
  readonly port: number;
  /** Whole-request time limit in ms (slow headers or bodies get 408). Default 10000. */
  readonly requestTimeoutMillis?: number;
}

/**
 * The one embedded HTTP server: `/metrics`, `/health/*`, `/api/*` and the dashboard share a
 * port. Routes are exact paths or prefixes ending in `/*`. Handler failures answer 500 and
 * are reported through the OTel diagnostic logger; the server keeps serving.
 */
export class TelemetryServer {
  readonly #server: Server;
  readonly #exact = new Map<string, RouteHandler>();
  readonly #prefixes: [string, RouteHandler][] = [];
  readonly #options: TelemetryServerOptions;

  constructor(options: TelemetryServerOptions) {
    this.#options = options;
    const timeout = options.requestTimeoutMillis ?? 10_000;
    this.#server = createServer({ requestTimeout: timeout, headersTimeout: Math.min(timeout, 60_000) }, (req, res) => {
      this.#handle(req, res);
    });
    this.#server.keepAliveTimeout = 5_000;
  }

  /** Serves `path` (GET and HEAD) with `handler`. A path ending in `/*` matches everything below it. */
  route(path: string, handler: RouteHandler): this {
    if (path.endsWith('/*')) this.#prefixes.push([path.slice(0, -1), handler]);
    else this.#exact.set(path, handler);
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

  /** Stops accepting connections and closes idle ones; resolves when the server is closed. */
  async close(): Promise<void> {
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const handler = this.#exact.get(path) ?? this.#prefixes.find(([prefix]) => path.startsWith(prefix))?.[1];
    if (handler === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    try {
      const pending = handler(req, res);
      if (pending instanceof Promise) pending.catch((error: unknown) => this.#fail(res, path, error));
    } catch (error) {
      this.#fail(res, path, error);
    }
  }

  #fail(res: ServerResponse, path: string, error: unknown): void {
    diag.error(`trading-telemetry: handler for ${path} failed`, error);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('internal error\n');
  }
}
