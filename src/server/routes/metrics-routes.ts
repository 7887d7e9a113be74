import type { IncomingMessage } from 'node:http';
import { diag } from '@opentelemetry/api';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import { CONTENT_TYPES, type ExpositionFormat, negotiateFormat } from '../exposition-format.js';
import { PrometheusText } from '../prometheus-text.js';
import type { TelemetryServer } from '../telemetry-server.js';

const formatOf = (req: IncomingMessage): ExpositionFormat => negotiateFormat(req.headers.accept);

/**
 * Serves `/metrics` from `reader` (the Prometheus exporter, with the facade's SeriesProducer):
 * one collection, rendered by {@link PrometheusText}. Prometheus text 0.0.4 by default, the same
 * text the OTel exporter serves; OpenMetrics 1.0.0, with the order histograms' exemplars, to a
 * scraper whose Accept header prefers it (Prometheus 3 does). A render is shared by every
 * scrape of the same format within `cacheMillis` (and scrapes during a render wait for it), so
 * a scrape storm costs at most one render per format per `cacheMillis`.
 */
export function mountMetricsRoutes(server: TelemetryServer, reader: MetricReader, cacheMillis: number): void {
  const text = new PrometheusText();
  server.route(
    'GET',
    '/metrics',
    async (ctx) => {
      const format = formatOf(ctx.req);
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) diag.error('trading-telemetry: metrics collection errors', ...errors);
      const body = format === 'openmetrics' ? text.openMetrics(resourceMetrics) : text.serialize(resourceMetrics);
      ctx.text(200, body, CONTENT_TYPES[format], { vary: 'Accept' });
    },
    { cacheMillis, vary: formatOf },
  );
}
