import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Meter } from '@opentelemetry/api';
import { Instruments } from '../conventions.js';
import { observeInstrument } from '../metrics/observable.js';
import { jsonBody } from './request-context.js';

/** Options of {@link LiveStream}. */
export interface LiveStreamOptions {
  /** Most concurrent clients; a new one beyond it ends the oldest stream (which reconnects, as EventSource does). Default 32. */
  readonly maxClients?: number;
  /** A client with more unsent bytes than this is too slow and is dropped. Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** Comment lines sent this often keep proxies from closing idle streams, in ms. Default 15000. */
  readonly heartbeatMillis?: number;
}

/**
 * Server-sent events to the dashboard and `trading-telemetry watch`. Bounded: a client limit
 * (past it the oldest stream ends), and slow readers are dropped instead of buffering without
 * end; both are counted in
 * `trading.telemetry.stream.dropped_clients{reason}`. Broadcasting never blocks the caller.
 */
export class LiveStream {
  /** In the order they connected: the first is the oldest. */
  readonly #clients = new Set<ServerResponse>();
  readonly #options: LiveStreamOptions;
  readonly #dropped = { slow: 0, evicted: 0 };
  readonly #heartbeat: NodeJS.Timeout;

  constructor(options: LiveStreamOptions = {}, meter?: Meter) {
    this.#options = options;
    this.#heartbeat = setInterval(() => this.#write(': heartbeat\n\n'), options.heartbeatMillis ?? 15_000);
    this.#heartbeat.unref();
    if (meter !== undefined) {
      observeInstrument(meter, Instruments.streamDroppedClients, (result) => {
        for (const [reason, count] of Object.entries(this.#dropped)) result.observe(count, { reason });
      });
    }
  }

  get clients(): number {
    return this.#clients.size;
  }

  /** Clients dropped so far, by reason. */
  get dropped(): Readonly<Record<'slow' | 'evicted', number>> {
    return { ...this.#dropped };
  }

  /** Route handler: turns the request into an event stream. */
  accept(req: IncomingMessage, res: ServerResponse): void {
    // Full: the oldest stream gives way, so idle clients cannot lock a new dashboard out.
    const oldest = this.#clients.size >= (this.#options.maxClients ?? 32) ? this.#clients.values().next().value : undefined;
    if (oldest !== undefined) {
      this.#dropped.evicted++;
      this.#clients.delete(oldest);
      oldest.end();
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': connected\n\n');
    this.#clients.add(res);
    req.on('close', () => this.#clients.delete(res));
  }

  /** Sends `data` as event `event` to every client; drops the ones that cannot keep up. */
  broadcast(event: string, data: unknown): void {
    if (this.#clients.size === 0) return;
    this.#write(`event: ${event}\ndata: ${jsonBody(data)}\n\n`);
  }

  /** Ends every stream. */
  close(): void {
    clearInterval(this.#heartbeat);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #write(frame: string): void {
    const limit = this.#options.maxBufferedBytes ?? 1_048_576;
    for (const res of this.#clients) {
      if (res.writableLength > limit) {
        this.#dropped.slow++;
        this.#clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(frame);
    }
  }
}
