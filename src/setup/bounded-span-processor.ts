import { context, diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ExportStats } from './export-stats.js';

/** Options of {@link BoundedSpanProcessor}. */
export interface BoundedSpanProcessorOptions {
  /** Most spans held while the collector is slow or down. */
  readonly maxQueueSize: number;
  /** Most spans per export request. */
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

/**
 * A batching span processor that never blocks, never grows past its queue, and accounts for
 * every sampled span: exported, dropped with a reason (`queue_full`, `export_failed`,
 * `export_timeout`, `shutdown`), or still queued. OTel's BatchSpanProcessor drops silently,
 * which our "nothing lost silently" promise cannot accept. One export is in flight at a time,
 * so a dead collector costs one pending request, not one per batch.
 */
export class BoundedSpanProcessor implements SpanProcessor {
  readonly stats: ExportStats;
  readonly #exporter: SpanExporter;
  readonly #options: BoundedSpanProcessorOptions;
  readonly #clock: () => number;
  #queue: ReadableSpan[] = [];
  #inFlight: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #shutdown = false;

  constructor(exporter: SpanExporter, options: BoundedSpanProcessorOptions) {
    this.#exporter = exporter;
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.stats = new ExportStats('traces', () => this.#queue.length);
  }

  onStart(): void {
    // Nothing to do until the span ends.
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & 1) === 0) return; // not sampled: never meant for export
    if (this.#shutdown) {
      this.stats.drop('shutdown', 1);
      return;
    }
    if (this.#queue.length >= this.#options.maxQueueSize) {
      this.stats.drop('queue_full', 1);
      return;
    }
    this.#queue.push(span);
    if (this.#queue.length >= this.#options.maxBatchSize) this.#kick();
    else this.#schedule();
  }

  /** Exports everything queued now, one batch after another. Never rejects. */
  async forceFlush(): Promise<void> {
    while (this.#inFlight !== undefined || this.#queue.length > 0) {
      await (this.#inFlight ?? this.#exportBatch());
    }
  }

  /** Flushes, then shuts the exporter down. Spans ending afterwards are ignored. */
  async shutdown(): Promise<void> {
    if (this.#shutdown) return;
    this.#shutdown = true;
    clearTimeout(this.#timer);
    await this.forceFlush();
    await this.#exporter.shutdown().catch((error: unknown) => diag.warn('trading-telemetry: span exporter shutdown failed', error));
  }

  /** Counts what is still queued as dropped at shutdown (called when a bounded shutdown gives up). */
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
    const done = this.#send(batch).finally(() => {
      this.#inFlight = undefined;
    });
    this.#inFlight = done;
    return done;
  }

  #send(batch: ReadableSpan[]): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const settle = (outcome: ExportResult | 'timeout'): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (outcome === 'timeout') {
          this.stats.failed('export_timeout', batch.length, `export took over ${this.#options.exportTimeoutMillis} ms`);
        } else if (outcome.code === ExportResultCode.SUCCESS) {
          this.stats.succeeded(batch.length, this.#clock());
        } else {
          this.stats.failed('export_failed', batch.length, outcome.error?.message ?? 'export failed');
        }
        resolve();
      };
      const timer = setTimeout(() => settle('timeout'), this.#options.exportTimeoutMillis);
      timer.unref();
      // The export's own HTTP work must not be traced, or exporting would create spans to export.
      context.with(suppressTracing(context.active()), () => {
        try {
          this.#exporter.export(batch, settle);
        } catch (error) {
          settle({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
        }
      });
    });
  }
}
