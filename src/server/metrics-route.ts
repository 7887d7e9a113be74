import { diag } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { PrometheusText } from './prometheus-text.js';
import type { TelemetryServer } from './telemetry-server.js';

/**
 * Serves `/metrics` from `reader` (the Prometheus exporter, with the facade's SeriesProducer):
 * one collection, rendered by {@link PrometheusText}, the same text the OTel exporter serves.
 */
export function mountMetricsRoute(server: TelemetryServer, reader: MetricReader): void {
  const text = new PrometheusText();
  server.route('/metrics', async (_req, res) => {
    try {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) diag.error('trading-telemetry: metrics collection errors', ...errors);
      const body = text.serialize(resourceMetrics);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`# failed to export metrics: ${String(error)}\n`);
    }
  });
}
