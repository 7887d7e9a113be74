import type { HealthReport } from '../health/health-registry.js';
import type { HistogramData } from '../metrics/histogram-data.js';
import type { TelemetrySnapshot } from '../metrics/snapshot.js';
import type { OrderSummary } from '../tracing/order-intent.js';
import type { StageReport } from '../tracing/stage-report.js';

/** The numbers behind the KPIs, the charts and the terminal report. `TradingTelemetry` is one. */
export interface SnapshotSource {
  /** The current snapshot; called once per history sample and per `/api/snapshot`. */
  snapshot(): TelemetrySnapshot;
}

/**
 * The orders the dashboard lists, searches and opens as a waterfall. `TradingTelemetry.orders`
 * is one: any object with these four methods plugs in.
 */
export interface RecentOrdersSource {
  /** Open orders, oldest first. */
  open(): OrderSummary[];
  /** Recently finished orders, newest first. */
  recent(): OrderSummary[];
  /** An open or recent order by correlation id; undefined when unknown or evicted. */
  find(correlationId: string): OrderSummary | undefined;
  /** Per-stage percentiles and the dominant stage. */
  stageReport(): StageReport;
  /** Cumulative order durations in seconds, for the per-interval latency percentiles of the history. */
  latencyHistogram(): HistogramData;
}

/** The health checks shown in the status pill and the health table. `HealthRegistry` is one. */
export interface HealthSource {
  /** Runs the checks (each bounded by its own timeout) and reports them. Never rejects. */
  run(): Promise<HealthReport>;
}

/** The process lifecycle state shown next to the status (`starting`, `ready`, `draining`, `stopped`). `ProcessLifecycle` is one. */
export interface LifecycleSource {
  readonly state: string;
}
