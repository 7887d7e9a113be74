import { z } from 'zod';
import type { HistoryOptions } from '../history/metrics-history.js';
import { DEFAULT_CARDINALITY_LIMIT } from '../conventions.js';
import { TelemetryConfigError } from '../errors.js';
import { type ResolvedKeepPolicy, withKeepDefaults } from '../tracing/keep-policy-options.js';
import { type ResolvedOrderTrackerOptions, withOrderDefaults } from '../tracing/order-tracker-options.js';
import { parseOptions } from '../validation/parse-options.js';
import { appendPath, httpUrl, optional, positiveInt, signalUrl } from './env-values.js';
import { type ResolvedMetrics, resolveMetrics } from './metrics-config.js';
import type { TelemetryLogger } from '../telemetry-logger.js';
import { type LifecycleOptions, MOVED_OPTIONS, type StartTelemetryOptions, startTelemetryOptionsSchema } from './options.js';

/** The embedded server's settled options. */
export interface ResolvedServer {
  readonly host: string;
  readonly port: number;
  readonly token?: string;
  readonly allowedHosts: readonly string[];
  readonly allowMutations: boolean;
  readonly maxConnections: number;
  readonly maxRequestsPerSecond: number;
  readonly metricsCacheMillis: number;
}

/** The settled configuration: options merged over the environment, validated. */
export interface ResolvedConfig {
  readonly disabled: boolean;
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly environment: string;
  readonly resourceAttributes: Readonly<Record<string, string | number | boolean>>;
  readonly envResourceAttributes: Readonly<Record<string, string>>;
  readonly server: false | ResolvedServer;
  readonly dashboard: false | { readonly history: HistoryOptions; readonly jaegerUrl: string | undefined };
  readonly otlp:
    | undefined
    | { readonly tracesUrl: string; readonly logsUrl: string; readonly maxQueueSize: number; readonly timeoutMillis: number };
  /** Where metrics go: served at `/metrics` for Prometheus to pull, and/or pushed over OTLP. */
  readonly metrics: ResolvedMetrics;
  readonly runtimeMetrics: boolean;
  readonly cardinalityLimit: number;
  readonly orders: ResolvedOrderTrackerOptions;
  /** Which order traces are kept (`orders.keep`). */
  readonly keep: ResolvedKeepPolicy;
  readonly shutdownTimeoutMillis: number;
  readonly degradedIsReady: boolean;
  readonly builtInChecks: boolean;
  /** Whether `/chaos/*` (process fault drills) is served: `TRADING_TELEMETRY_CHAOS=1`. */
  readonly chaosRoutes: boolean;
  readonly lifecycle: LifecycleOptions;
  /** The library logger given, if any. */
  readonly logger: TelemetryLogger | undefined;
}

export const DEFAULT_SERVER_HOST = '127.0.0.1';
export const DEFAULT_SERVER_PORT = 9464;

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

const port = z.coerce.number().int().min(0).max(65535);

/** Parses `OTEL_RESOURCE_ATTRIBUTES` (`key=value,key=value`, values percent-encoded). */
function parseResourceAttributes(raw: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (raw === undefined || raw.trim() === '') return attributes;
  for (const pair of raw.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new TelemetryConfigError('OTEL_RESOURCE_ATTRIBUTES', `"${pair}" is not key=value`);
    try {
      attributes[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new TelemetryConfigError('OTEL_RESOURCE_ATTRIBUTES', `"${pair}" has a malformed percent-encoding`);
    }
  }
  return attributes;
}

/**
 * Merges options over the environment and validates the result. Fails fast at start-up with
 * a {@link TelemetryConfigError} that names the option or variable to fix.
 */
export function resolveConfig(given: StartTelemetryOptions = {}): ResolvedConfig {
  const options = parseOptions(startTelemetryOptionsSchema, given, '', MOVED_OPTIONS);
  const env = options.env ?? process.env;
  const disabled =
    options.disabled ??
    optional('OTEL_SDK_DISABLED', z.stringbool({ truthy: ['true'], falsy: ['false'], case: 'insensitive' }), env.OTEL_SDK_DISABLED) ??
    false;
  const envResourceAttributes = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName =
    options.serviceName ?? (env.OTEL_SERVICE_NAME || undefined) ?? envResourceAttributes['service.name'] ?? (disabled ? 'unknown_service' : undefined);
  if (serviceName === undefined || serviceName.trim() === '') {
    throw new TelemetryConfigError(
      'serviceName',
      'no service name: pass startTelemetry({ serviceName }) or set OTEL_SERVICE_NAME',
    );
  }
  optional('OTEL_TRACES_SAMPLER', z.enum(SAMPLERS), env.OTEL_TRACES_SAMPLER);
  if (env.OTEL_TRACES_SAMPLER?.endsWith('traceidratio')) {
    optional('OTEL_TRACES_SAMPLER_ARG', z.coerce.number().min(0).max(1), env.OTEL_TRACES_SAMPLER_ARG);
  }

  let server: ResolvedConfig['server'] = false;
  if (options.server !== false) {
    server = {
      host:
        options.server?.host ??
        optional('OTEL_EXPORTER_PROMETHEUS_HOST', z.string().min(1), env.OTEL_EXPORTER_PROMETHEUS_HOST) ??
        DEFAULT_SERVER_HOST,
      port: options.server?.port ?? optional('OTEL_EXPORTER_PROMETHEUS_PORT', port, env.OTEL_EXPORTER_PROMETHEUS_PORT) ?? DEFAULT_SERVER_PORT,
      allowedHosts:
        options.server?.allowedHosts ??
        optional('TRADING_TELEMETRY_ALLOWED_HOSTS', z.string().transform((list) => list.split(',').map((h) => h.trim()).filter(Boolean)).pipe(z.array(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be comma-separated host names'))), env.TRADING_TELEMETRY_ALLOWED_HOSTS) ??
        [],
      allowMutations: options.server?.allowMutations ?? false,
      maxConnections: options.server?.maxConnections ?? 256,
      maxRequestsPerSecond: options.server?.maxRequestsPerSecond ?? 400,
      metricsCacheMillis: options.server?.metricsCacheMillis ?? 1000,
    };
    const token = options.server?.token ?? optional('TRADING_TELEMETRY_TOKEN', z.string().min(16, 'must be at least 16 characters'), env.TRADING_TELEMETRY_TOKEN);
    if (token !== undefined) server = { ...server, token };
  }

  const tracesUrl = signalUrl({ full: options.otlp?.tracesEndpoint, base: options.otlp?.endpoint }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', env, '/v1/traces');
  const logsBase = options.otlp?.endpoint ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const logsUrl =
    optional('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', httpUrl, env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) ??
    (logsBase ? appendPath(logsBase, '/v1/logs') : undefined);
  const timeoutMillis = options.otlp?.timeoutMillis ?? optional('OTEL_EXPORTER_OTLP_TIMEOUT', positiveInt, env.OTEL_EXPORTER_OTLP_TIMEOUT) ?? 10_000;

  return {
    disabled,
    serviceName,
    serviceVersion: options.serviceVersion ?? env.npm_package_version ?? '0.0.0',
    environment: options.environment ?? env.NODE_ENV ?? 'development',
    resourceAttributes: options.resourceAttributes ?? {},
    envResourceAttributes,
    server,
    otlp:
      tracesUrl === undefined
        ? undefined
        : {
            tracesUrl,
            logsUrl: logsUrl ?? tracesUrl.replace(/\/v1\/traces$/, '/v1/logs'),
            maxQueueSize: options.otlp?.maxQueueSize ?? optional('OTEL_BSP_MAX_QUEUE_SIZE', positiveInt, env.OTEL_BSP_MAX_QUEUE_SIZE) ?? 2048,
            timeoutMillis,
          },
    metrics: resolveMetrics(options, env, { server: server !== false, timeoutMillis }),
    runtimeMetrics: options.runtimeMetrics ?? true,
    cardinalityLimit: options.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT,
    orders: withOrderDefaults(options.orders),
    keep: withKeepDefaults(options.orders?.keep),
    shutdownTimeoutMillis: options.shutdownTimeoutMillis ?? 5000,
    dashboard:
      options.dashboard === false || server === false
        ? false
        : {
            history: options.dashboard?.history ?? {},
            jaegerUrl: options.dashboard?.jaegerUrl ?? optional('TRADING_TELEMETRY_JAEGER_URL', httpUrl, env.TRADING_TELEMETRY_JAEGER_URL),
          },
    degradedIsReady: options.health?.degradedIsReady ?? true,
    builtInChecks: options.health?.builtInChecks ?? true,
    chaosRoutes: optional('TRADING_TELEMETRY_CHAOS', z.enum(['0', '1']), env.TRADING_TELEMETRY_CHAOS) === '1',
    lifecycle: options.lifecycle ?? {},
    logger: options.logger,
  };
}
