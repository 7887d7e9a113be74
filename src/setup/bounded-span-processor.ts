import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type BoundedExportOptions, BoundedExportQueue } from './bounded-export-queue.js';
import type { ExportStats } from './export-stats.js';

/**
 * A span processor over a {@link BoundedExportQueue}: sampled spans are queued for export
 * when they end, and every one is accounted for as exported, dropped with a reason, or queued.
 */
export class BoundedSpanProcessor implements SpanProcessor {
  readonly #queue: BoundedExportQueue<ReadableSpan>;

  constructor(exporter: SpanExporter, options: BoundedExportOptions) {
    this.#queue = new BoundedExportQueue('traces', exporter, options);
  }

  get stats(): ExportStats {
    return this.#queue.stats;
  }

  onStart(): void {
    // Nothing to do until the span ends.
  }

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & 1) === 1) this.#queue.offer(span); // unsampled spans are never meant for export
  }

  forceFlush(): Promise<void> {
    return this.#queue.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#queue.shutdown();
  }

  /** Counts what is still queued as dropped (shutdown). */
  abandon(): void {
    this.#queue.abandon();
  }
}
