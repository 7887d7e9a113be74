import { TelemetryConfigError } from '../errors.js';
import { type Env, optional, positiveInt, signalUrl } from './env-values.js';
import type { StartTelemetryOptions } from './options.js';

/** Where metrics go, settled. */
export interface ResolvedMetrics {
  /** Serve `GET /metrics` on the embedded server, for Prometheus to pull. */
  readonly prometheus: boolean;
  /** Push over OTLP/HTTP: to `url`, every `intervalMillis`, each export within `timeoutMillis`. */
  readonly otlp: undefined | { readonly url: string; readonly intervalMillis: number; readonly timeoutMillis: number };
}

type MetricsExporter = 'otlp' | 'prometheus';

/** `OTEL_METRICS_EXPORTER` as the OTel spec writes it: comma-separated exporters, or `none` alone. */
function exportersFromEnv(raw: string | undefined): MetricsExporter[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const names = [...new Set(raw.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== ''))];
  for (const name of names) {
    if (name !== 'otlp' && name !== 'prometheus' && name !== 'none') {
      throw new TelemetryConfigError('OTEL_METRICS_EXPORTER', `"${name}" is not an exporter here: use otlp, prometheus or both (comma-separated), or none`);
    }
  }
  if (!names.includes('none')) return names as MetricsExporter[];
  if (names.length > 1) throw new TelemetryConfigError('OTEL_METRICS_EXPORTER', '"none" cannot be combined with other exporters');
  return [];
}

/**
 * Where metrics go: `metrics.exporters`, else `OTEL_METRICS_EXPORTER`, else `prometheus` alone
 * (the OTel spec's default is `otlp`; ours is the pull endpoint, which needs nothing else
 * running). `otlp` pushes to `otlp.metricsEndpoint`, `otlp.endpoint` + `/v1/metrics`,
 * `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`, every
 * `metrics.exportIntervalMillis` (`OTEL_METRIC_EXPORT_INTERVAL`, else 60 s).
 *
 * @throws TelemetryConfigError naming the setting: an unknown exporter, `otlp` with no endpoint,
 * or `prometheus` asked for with `server: false` (nothing would serve `/metrics`).
 */
export function resolveMetrics(options: StartTelemetryOptions, env: Env, context: { readonly server: boolean; readonly timeoutMillis: number }): ResolvedMetrics {
  const fromCode = options.metrics?.exporters;
  const fromEnv = fromCode === undefined ? exportersFromEnv(env.OTEL_METRICS_EXPORTER) : undefined;
  const setting = fromCode === undefined ? 'OTEL_METRICS_EXPORTER' : 'metrics.exporters';
  const exporters: readonly MetricsExporter[] = fromCode ?? fromEnv ?? ['prometheus'];
  const explicit = fromCode !== undefined || fromEnv !== undefined;
  if (explicit && exporters.includes('prometheus') && !context.server) {
    throw new TelemetryConfigError(setting, 'prometheus is served at /metrics by the embedded server, which server: false turns off: drop prometheus, or keep the server');
  }
  if (!exporters.includes('otlp')) return { prometheus: context.server && exporters.includes('prometheus'), otlp: undefined };
  const url = signalUrl({ full: options.otlp?.metricsEndpoint, base: options.otlp?.endpoint }, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', env, '/v1/metrics');
  if (url === undefined) {
    throw new TelemetryConfigError(setting, 'otlp needs an endpoint: set otlp.endpoint (or otlp.metricsEndpoint), or OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT)');
  }
  const intervalMillis = options.metrics?.exportIntervalMillis ?? optional('OTEL_METRIC_EXPORT_INTERVAL', positiveInt, env.OTEL_METRIC_EXPORT_INTERVAL) ?? 60_000;
  // The reader refuses an export timeout longer than its interval.
  return { prometheus: context.server && exporters.includes('prometheus'), otlp: { url, intervalMillis, timeoutMillis: Math.min(context.timeoutMillis, intervalMillis) } };
}
