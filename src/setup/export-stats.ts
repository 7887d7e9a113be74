import type { Meter } from '@opentelemetry/api';
import { type DropReason, Instruments } from '../conventions.js';
import type { ExportHealth, Signal } from '../health/checks/export-check.js';
import { observeInstrument } from '../metrics/observable.js';

/**
 * Exact accounting of one export pipeline: every item offered ends up exported, dropped with
 * a reason, or still queued. Exported as `trading.telemetry.export.offered{signal}`,
 * `trading.telemetry.exported{signal}`, `trading.telemetry.dropped{signal,reason}`,
 * `trading.telemetry.export.queue_size{signal}` and `…consecutive_failures{signal}`.
 */
export class ExportStats {
  readonly signal: Signal;
  offered = 0;
  exported = 0;
  consecutiveFailures = 0;
  lastSuccessAt: number | null = null;
  lastFailureAt: number | null = null;
  lastError: string | null = null;
  readonly dropped: Record<DropReason, number> = { queue_full: 0, export_failed: 0, export_timeout: 0, shutdown: 0 };
  readonly #queued: () => number;

  constructor(signal: Signal, queued: () => number) {
    this.signal = signal;
    this.#queued = queued;
  }

  drop(reason: DropReason, count: number): void {
    this.dropped[reason] += count;
  }

  succeeded(count: number, now: number): void {
    this.exported += count;
    this.consecutiveFailures = 0;
    this.lastSuccessAt = now;
  }

  failed(reason: 'export_failed' | 'export_timeout', count: number, error: string, now: number): void {
    this.drop(reason, count);
    this.consecutiveFailures++;
    this.lastFailureAt = now;
    this.lastError = error;
  }

  health(): ExportHealth {
    return {
      signal: this.signal,
      queued: this.#queued(),
      offered: this.offered,
      exported: this.exported,
      dropped: { ...this.dropped },
      consecutiveFailures: this.consecutiveFailures,
      lastSuccessAt: this.lastSuccessAt,
      lastFailureAt: this.lastFailureAt,
      lastError: this.lastError,
    };
  }

  /** Registers the observable instruments that export these numbers. */
  observe(meter: Meter): void {
    const signal = this.signal;
    observeInstrument(meter, Instruments.telemetryOffered, (result) => result.observe(this.offered, { signal }));
    observeInstrument(meter, Instruments.telemetryExported, (result) => result.observe(this.exported, { signal }));
    observeInstrument(meter, Instruments.telemetryDropped, (result) => {
      for (const [reason, count] of Object.entries(this.dropped)) result.observe(count, { signal, reason });
    });
    observeInstrument(meter, Instruments.exportQueueSize, (result) => result.observe(this.#queued(), { signal }));
    observeInstrument(meter, Instruments.exportConsecutiveFailures, (result) => result.observe(this.consecutiveFailures, { signal }));
  }
}
