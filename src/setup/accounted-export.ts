import { context } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ExportStats } from './export-stats.js';

/** Bounds of one {@link accountedExport}. */
export interface AccountedExportOptions {
  /**
   * Upper bound of the export, in ms. Set it above the exporter's own timeout so the exporter
   * normally reports the failure itself; this only guards against a hung exporter.
   */
  readonly timeoutMillis: number;
  /** Wall clock in ms, for the stats' last success and failure times. */
  readonly clock: () => number;
}

/**
 * Runs one export of `count` items through `send` and accounts for them in `stats`: exported,
 * or dropped as `export_failed` or `export_timeout` (the exporter's own deadline, or
 * `timeoutMillis` passing without an answer). Resolves once with the outcome and never
 * rejects; the export's own HTTP work is not traced, or exporting would create spans to export.
 */
export function accountedExport(stats: ExportStats, count: number, options: AccountedExportOptions, send: (done: (result: ExportResult) => void) => void): Promise<ExportResult> {
  return new Promise<ExportResult>((resolve) => {
    let settled = false;
    const settle = (outcome: ExportResult | 'timeout'): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome === 'timeout') {
        const message = `export took over ${options.timeoutMillis} ms`;
        stats.failed('export_timeout', count, message, options.clock());
        resolve({ code: ExportResultCode.FAILED, error: new Error(message) });
        return;
      }
      if (outcome.code === ExportResultCode.SUCCESS) {
        stats.succeeded(count, options.clock());
      } else {
        // The exporter's own deadline (its HTTP request timed out) is a timeout too, not a refusal.
        const message = outcome.error?.message ?? 'export failed';
        stats.failed(/timed? ?out/i.test(message) ? 'export_timeout' : 'export_failed', count, message, options.clock());
      }
      resolve(outcome);
    };
    const timer = setTimeout(() => settle('timeout'), options.timeoutMillis);
    timer.unref();
    context.with(suppressTracing(context.active()), () => {
      try {
        send(settle);
      } catch (error) {
        settle({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    });
  });
}
