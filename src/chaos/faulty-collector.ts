import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the collector behaves: `ok` accepts, `down` refuses connections (nothing listens),
 * `hang` accepts and never answers, `unavailable` answers 503, `throttled` answers 429.
 */
export type CollectorMode = 'ok' | 'down' | 'hang' | 'unavailable' | 'throttled';

/** Counts of what reached the collector. */
export interface CollectorCounts {
  readonly requests: number;
  /** Distinct spans accepted in `ok` mode (decoded from OTLP/JSON; protobuf requests count as 0 spans). */
  readonly spansAccepted: number;
  /** Distinct spans that arrived while failing (503, 429 or hung) and were never accepted later: lost on the way. */
  readonly spansRefused: number;
  readonly refusedRequests: number;
}

interface OtlpJsonTraces {
  resourceSpans?: { scopeSpans?: { spans?: { traceId?: string; spanId?: string }[] }[] }[];
}

/** Trace-and-span ids of the spans in an OTLP/JSON traces request; none for other encodings. */
function spanIds(body: Buffer, contentType: string | undefined): string[] {
  if (contentType?.includes('json') !== true) return [];
  try {
    const request = JSON.parse(body.toString('utf8')) as OtlpJsonTraces;
    const ids: string[] = [];
    for (const resource of request.resourceSpans ?? []) {
      for (const scope of resource.scopeSpans ?? []) for (const span of scope.spans ?? []) ids.push(`${span.traceId ?? ''}/${span.spanId ?? ''}`);
    }
    return ids;
  } catch {
    return [];
  }
}

/**
 * A stand-in OpenTelemetry Collector on 127.0.0.1 whose failure mode can be switched at run
 * time, for chaos scenarios and tests: point a process's OTLP endpoint at {@link url} and
 * take the collector down, make it hang, or answer 503/429, then bring it back.
 */
export class FaultyCollector {
  #mode: CollectorMode;
  #server: Server | undefined;
  #port: number;
  #requests = 0;
  readonly #accepted = new Set<string>();
  readonly #failed = new Set<string>();
  #refused = 0;
  readonly #hanging = new Set<ServerResponse>();

  private constructor(port: number, mode: CollectorMode) {
    this.#port = port;
    this.#mode = mode;
  }

  /** Starts on `port` (0 picks a free one) in `mode`. */
  static async start(options: { port?: number; mode?: CollectorMode } = {}): Promise<FaultyCollector> {
    const collector = new FaultyCollector(options.port ?? 0, options.mode ?? 'ok');
    await collector.#listen();
    if (collector.#mode === 'down') await collector.#stopListening();
    return collector;
  }

  /** Base URL to use as `OTEL_EXPORTER_OTLP_ENDPOINT`. The port stays the same across modes. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get mode(): CollectorMode {
    return this.#mode;
  }

  counts(): CollectorCounts {
    let lost = 0;
    for (const id of this.#failed) if (!this.#accepted.has(id)) lost++;
    return { requests: this.#requests, spansAccepted: this.#accepted.size, spansRefused: lost, refusedRequests: this.#refused };
  }

  /** Switches the failure mode. Leaving `hang` releases held requests with a 503. */
  async setMode(mode: CollectorMode): Promise<void> {
    if (mode === this.#mode) return;
    const wasDown = this.#mode === 'down';
    this.#mode = mode;
    if (mode !== 'hang') this.#releaseHanging();
    if (mode === 'down') await this.#stopListening();
    else if (wasDown) await this.#listen();
  }

  async close(): Promise<void> {
    this.#releaseHanging();
    await this.#stopListening();
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.#requests++;
      const ids = req.url === '/v1/traces' ? spanIds(Buffer.concat(chunks), req.headers['content-type']) : [];
      for (const id of ids) (this.#mode === 'ok' ? this.#accepted : this.#failed).add(id);
      switch (this.#mode) {
        case 'ok':
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          return;
        case 'hang':
          this.#hanging.add(res);
          res.on('close', () => this.#hanging.delete(res));
          return;
        default:
          this.#refused++;
          res.writeHead(this.#mode === 'throttled' ? 429 : 503, { 'retry-after': '1' }).end();
      }
    });
  }

  #releaseHanging(): void {
    for (const res of this.#hanging) if (!res.headersSent) res.writeHead(503).end();
    this.#hanging.clear();
  }

  async #listen(): Promise<void> {
    const server = createServer((req, res) => this.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async #stopListening(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
