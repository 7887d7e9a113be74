import type { ExportHealth } from '../../setup/export-stats.js';
import type { CheckOutcome, HealthCheckFn, HealthStatus } from '../health-check.js';
import { worst } from '../health-check.js';

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
