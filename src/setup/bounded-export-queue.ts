import { diag } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { Signal } from '../health/checks/export-check.js';
import { accountedExport } from './accounted-export.js';
import { ExportStats } from './export-stats.js';

/** Options of {@link BoundedExportQueue}. */
export interface BoundedExportOptions {
  /** Most items held while the collector is slow or down. */
  readonly maxQueueSize: number;
  /** Most items per export request. */
  readonly maxBatchSize: number;
  /** How often a partial batch is sent, in ms. */
  readonly scheduledDelayMillis: number;
  /**
   * Upper bound of one export call, in ms. Set it above the exporter's own timeout so the
   * exporter normally reports the failure itself; this only guards against a hung exporter.
   */
  readonly exportTimeoutMillis: number;
  /** Wall clock in ms, for `lastSuccessAt`. */
  readonly clock?: () => number;
}

/** The part of an OTel exporter (span or log record) the queue drives. */
export interface BatchExporter<T> {
  export(items: T[], resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

/**
 * A batching export queue that never blocks, never grows past its bound, and accounts for
 * every item: exported, dropped with a reason (`queue_full`, `export_failed`,
 * `export_timeout`, `shutdown`), or still queued. OTel's batch processors drop silently,
 * which our "nothing lost silently" promise cannot accept. One export is in flight at a
 * time, so a dead collector costs one pending request, not one per batch.
 */
export class BoundedExportQueue<T> {
  readonly stats: ExportStats;
  readonly #exporter: BatchExporter<T>;
  readonly #options: BoundedExportOptions;
  readonly #clock: () => number;
  #queue: T[] = [];
  #inFlight: Promise<void> | undefined;
  #inFlightItems = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(signal: Signal, exporter: BatchExporter<T>, options: BoundedExportOptions) {
    this.#exporter = exporter;
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    // Held = waiting plus the batch being exported: what the pipeline keeps in memory.
    this.stats = new ExportStats(signal, () => this.#queue.length + this.#inFlightItems);
  }

  /** Queues `item` for export, or counts it as dropped. O(1), never throws, never waits. */
  offer(item: T): void {
    this.stats.offered++;
    if (this.#closed) {
      this.stats.drop('shutdown', 1);
      return;
    }
    if (this.#queue.length >= this.#options.maxQueueSize) {
      this.stats.drop('queue_full', 1);
      return;
    }
    this.#queue.push(item);
    if (this.#queue.length >= this.#options.maxBatchSize) this.#kick();
    else this.#schedule();
  }

  /** Exports everything queued now, one batch after another. Never rejects. */
  async forceFlush(): Promise<void> {
    while (this.#inFlight !== undefined || this.#queue.length > 0) {
      await (this.#inFlight ?? this.#exportBatch());
    }
  }

  /** Flushes, then shuts the exporter down. Items offered afterwards are counted as dropped. */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.forceFlush();
    await this.#exporter.shutdown().catch((error: unknown) => diag.warn(`trading-telemetry: ${this.stats.signal} exporter shutdown failed`, error));
  }

  /** Counts what is still queued as dropped (shutdown): called when a bounded shutdown gives up. */
  abandon(): void {
    this.stats.drop('shutdown', this.#queue.length);
    this.#queue = [];
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#kick();
    }, this.#options.scheduledDelayMillis);
    this.#timer.unref();
  }

  #kick(): void {
    if (this.#inFlight !== undefined) return;
    void this.#exportBatch().then(() => {
      if (this.#queue.length >= this.#options.maxBatchSize) this.#kick();
      else if (this.#queue.length > 0) this.#schedule();
    });
  }

  #exportBatch(): Promise<void> {
    const batch = this.#queue.splice(0, this.#options.maxBatchSize);
    if (batch.length === 0) return Promise.resolve();
    this.#inFlightItems = batch.length;
    const done = this.#send(batch).finally(() => {
      this.#inFlight = undefined;
      this.#inFlightItems = 0;
    });
    this.#inFlight = done;
    return done;
  }

  async #send(batch: T[]): Promise<void> {
    const options = { timeoutMillis: this.#options.exportTimeoutMillis, clock: this.#clock };
    await accountedExport(this.stats, batch.length, options, (done) => this.#exporter.export(batch, done));
  }
}
