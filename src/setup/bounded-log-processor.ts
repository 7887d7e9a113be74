import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { type BoundedExportOptions, BoundedExportQueue } from './bounded-export-queue.js';
import type { ExportStats } from './export-stats.js';

/**
 * A log record processor over a {@link BoundedExportQueue}: every emitted record is
 * accounted for as exported, dropped with a reason, or queued.
 */
export class BoundedLogRecordProcessor implements LogRecordProcessor {
  readonly #queue: BoundedExportQueue<ReadableLogRecord>;

  constructor(exporter: LogRecordExporter, options: BoundedExportOptions) {
    this.#queue = new BoundedExportQueue('logs', exporter, options);
  }

  get stats(): ExportStats {
    return this.#queue.stats;
  }

  onEmit(logRecord: ReadWriteLogRecord): void {
    this.#queue.offer(logRecord);
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
