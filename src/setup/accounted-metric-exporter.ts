import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { AggregationOption, AggregationTemporality, InstrumentType, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { accountedExport } from './accounted-export.js';
import { ExportStats } from './export-stats.js';

function dataPoints(metrics: ResourceMetrics): number {
  let count = 0;
  for (const scope of metrics.scopeMetrics) for (const metric of scope.metrics) count += metric.dataPoints.length;
  return count;
}

/**
 * A push metric exporter (the OTLP one) whose every data point is accounted for, as spans and
 * log records are: exported, or dropped with a reason (`export_failed`, `export_timeout`,
 * `queue_full` while the previous export is still in flight, `shutdown` once shut down), and
 * held while in flight. It never queues: at most one collection is held, and a
 * PeriodicExportingMetricReader already skips a collection while one is being exported, so a
 * slow or dead collector costs one pending request. Points are cumulative, so the next export
 * after a drop carries the totals again.
 */
export class AccountedMetricExporter implements PushMetricExporter {
  readonly stats: ExportStats;
  readonly #exporter: Required<PushMetricExporter>;
  readonly #timeoutMillis: number;
  readonly #clock: () => number;
  #inFlight = 0;
  #closed = false;

  /** `timeoutMillis` bounds an export the exporter never answers (above its own timeout). */
  constructor(exporter: Required<PushMetricExporter>, timeoutMillis: number, clock: () => number = Date.now) {
    this.#exporter = exporter;
    this.#timeoutMillis = timeoutMillis;
    this.#clock = clock;
    this.stats = new ExportStats('metrics', () => this.#inFlight);
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const count = dataPoints(metrics);
    this.stats.offered += count;
    const refuse = this.#closed ? 'shutdown' : this.#inFlight > 0 ? 'queue_full' : undefined;
    if (refuse !== undefined) {
      this.stats.drop(refuse, count);
      resultCallback({ code: ExportResultCode.FAILED, error: new Error(refuse === 'shutdown' ? 'the exporter is shut down' : 'the previous export is still in flight') });
      return;
    }
    this.#inFlight = count;
    void accountedExport(this.stats, count, { timeoutMillis: this.#timeoutMillis, clock: this.#clock }, (done) => this.#exporter.export(metrics, done)).then((result) => {
      this.#inFlight = 0;
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.#exporter.forceFlush();
  }

  shutdown(): Promise<void> {
    this.#closed = true;
    return this.#exporter.shutdown();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.#exporter.selectAggregationTemporality(instrumentType);
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.#exporter.selectAggregation(instrumentType);
  }
}
