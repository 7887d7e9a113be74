import type { DropReason } from '../../conventions.js';
import type { CheckOutcome, HealthCheckFn, HealthStatus } from '../health-check.js';
import { worst } from '../health-check.js';

/** The telemetry signals we export over OTLP. */
export type Signal = 'traces' | 'logs' | 'metrics';

/** The health of one signal's export pipeline, as health checks and the dashboard read it. */
export interface ExportHealth {
  readonly signal: Signal;
  /** Items held: waiting, or in the batch being exported (at most maxQueueSize + one batch). */
  readonly queued: number;
  /** Items handed to the pipeline so far: exported + dropped + queued. */
  readonly offered: number;
  readonly exported: number;
  readonly dropped: Readonly<Record<DropReason, number>>;
  readonly consecutiveFailures: number;
  /** Epoch ms of the last successful export, or null before the first. */
  readonly lastSuccessAt: number | null;
  /** Epoch ms of the last failed export, or null before the first. */
  readonly lastFailureAt: number | null;
  readonly lastError: string | null;
}

/** Options of {@link exportCheck}: consecutive failed exports. */
export interface ExportThresholds {
  /** Degraded from this many failures in a row. Default 1. */
  readonly degradedAfterFailures?: number;
  /** Unhealthy from this many. Default 5. */
  readonly unhealthyAfterFailures?: number;
}

/**
 * Telemetry export health: consecutive OTLP export failures per signal, with the last error
 * and the drop counts. Registered without a probe by startTelemetry, so it shows in `/health`
 * but never takes a trading pod out of service: telemetry must not harm trading.
 * The signals share one collector: a signal with nothing queued whose last failure is older
 * than another signal's last success is not held against the pipeline (a quiet log stream
 * would otherwise report an outage that ended long ago).
 */
export function exportCheck(health: () => readonly ExportHealth[], thresholds: ExportThresholds = {}): HealthCheckFn {
  const degradedAfter = thresholds.degradedAfterFailures ?? 1;
  const unhealthyAfter = thresholds.unhealthyAfterFailures ?? 5;
  return (): CheckOutcome => {
    let status: HealthStatus = 'healthy';
    const reasons: string[] = [];
    const signals = health();
    const lastSuccess = Math.max(...signals.map((s) => s.lastSuccessAt ?? -Infinity));
    for (const signal of signals) {
      const superseded = signal.queued === 0 && (signal.lastFailureAt ?? -Infinity) < lastSuccess;
      const failures = superseded ? 0 : signal.consecutiveFailures;
      const dropped = Object.values(signal.dropped).reduce((sum, n) => sum + n, 0);
      status = worst(status, failures >= unhealthyAfter ? 'unhealthy' : failures >= degradedAfter ? 'degraded' : 'healthy');
      reasons.push(`${signal.signal}: ${failures} failures in a row, ${dropped} dropped, ${signal.queued} queued${signal.lastError === null ? '' : ` (${signal.lastError})`}`);
    }
    return { status, reason: reasons.join('; ') || 'no OTLP export configured' };
  };
}
