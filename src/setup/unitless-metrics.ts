import type { MetricData, PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';

function withoutUnits(metrics: ResourceMetrics): ResourceMetrics {
  return {
    resource: metrics.resource,
    scopeMetrics: metrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric): MetricData => (metric.descriptor.unit === '' ? metric : { ...metric, descriptor: { ...metric.descriptor, unit: '' } })),
    })),
  };
}

/**
 * `exporter`, sending every metric without its unit, so that Prometheus stores pushed metrics
 * under the names `/metrics` serves. Prometheus's OTLP translation (the OTel spec's) appends a
 * unit suffix to a metric with a unit: `trading.order.duration` in `s` would become
 * `trading_order_duration_seconds_bucket`, while `/metrics`, the dashboards, the alert rules and
 * docs/conventions.md say `trading_order_duration_bucket`; without a unit it adds only `_total`
 * to counters, as `/metrics` does. The units stay documented in docs/conventions.md. A Collector
 * could drop them instead (the transform processor's `set(metric.unit, "")`), but the one CI
 * builds and tests cannot include that processor at its release.
 */
export function unitless(exporter: Required<PushMetricExporter>): Required<PushMetricExporter> {
  return {
    export: (metrics, resultCallback) => exporter.export(withoutUnits(metrics), resultCallback),
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
    selectAggregationTemporality: (instrumentType) => exporter.selectAggregationTemporality(instrumentType),
    selectAggregation: (instrumentType) => exporter.selectAggregation(instrumentType),
  };
}
