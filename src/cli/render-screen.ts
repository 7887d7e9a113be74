import type { HealthReport } from '../health/health-registry.js';
import { formatReport } from '../metrics/report.js';
import type { TelemetrySnapshot } from '../metrics/snapshot.js';
import type { StageReport } from '../tracing/stage-report.js';

/** What the terminal view shows. */
export interface ScreenInput {
  readonly url: string;
  readonly snapshot: TelemetrySnapshot;
  readonly stages?: StageReport;
  readonly health?: HealthReport;
}

const ms = (seconds: number): string => `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1)} ms`;

/**
 * The terminal dashboard as text: the boxed report, then health and where order time goes.
 * Pure, so `watch` and `report` print the same thing and tests can check it without a TTY.
 */
export function renderScreen(input: ScreenInput): string {
  const lines = [`trading-telemetry · ${input.url} · ${new Date(input.snapshot.timestamp).toISOString()}`, formatReport(input.snapshot)];
  if (input.health !== undefined) {
    lines.push(`Health: ${input.health.status.toUpperCase()}`);
    for (const check of input.health.checks) lines.push(`  ${check.status === 'healthy' ? '✓' : check.status === 'degraded' ? '!' : '✗'} ${check.name.padEnd(18)} ${check.status}${check.reason === null ? '' : `  ${check.reason}`}`);
  }
  if (input.stages !== undefined && input.stages.stages.length > 0) {
    lines.push(`Order stages${input.stages.dominant === null ? '' : ` (bottleneck: ${input.stages.dominant})`}:`);
    for (const s of input.stages.stages) {
      lines.push(`  ${s.stage.padEnd(18)} p50 ${ms(s.p50).padStart(10)}  p95 ${ms(s.p95).padStart(10)}  p99 ${ms(s.p99).padStart(10)}  ${(s.share * 100).toFixed(1).padStart(5)}%`);
    }
  }
  return lines.join('\n');
}
