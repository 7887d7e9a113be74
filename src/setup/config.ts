import { z } from 'zod';
import type { AlertingOptions } from '../alerting/create-alerting.js';
import type { ProcessLifecycleOptions } from '../health/process-lifecycle.js';
import type { HistoryOptions } from '../history/metrics-history.js';
import { DEFAULT_CARDINALITY_LIMIT } from '../conventions.js';
import { TelemetryConfigError } from '../errors.js';
import { type OrderTrackerOptions, type ResolvedOrderTrackerOptions, resolveOrderTrackerOptions } from '../tracing/order-tracker.js';

/** Options of {@link startTelemetry}. Every option wins over its `OTEL_*` environment variable. */
export interface StartTelemetryOptions {
  /** `service.name`. Falls back to `OTEL_SERVICE_NAME`, then `service.name` in `OTEL_RESOURCE_ATTRIBUTES`; one is required. */
  readonly serviceName?: string;
  /** `service.version`. Defaults to `npm_package_version` when npm runs the process, else `0.0.0`. */
  readonly serviceVersion?: string;
  /** `deployment.environment.name`. Defaults to `NODE_ENV`, else `development`. */
  readonly environment?: string;
  /** Extra resource attributes; these win over `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>>;
  /**
   * The embedded HTTP server that serves `/metrics` (and later `/health/*`, `/api/*` and the
   * dashboard). Host and port default to `OTEL_EXPORTER_PROMETHEUS_HOST`/`_PORT`, else
   * 127.0.0.1:9464. Port 0 picks a free port. `false` serves nothing.
   */
  readonly server?: false | { readonly host?: string; readonly port?: number; readonly token?: string };
  /**
   * The live dashboard at `/` and its API under `/api/` (on the embedded server). `false`
   * serves neither. `jaegerUrl` (default `TRADING_TELEMETRY_JAEGER_URL`) links orders to their traces.
   */
  readonly dashboard?: false | { readonly history?: HistoryOptions; readonly jaegerUrl?: string };
  /**
   * OTLP/HTTP export of traces (and logs). The endpoint defaults to
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`.
   * Without an endpoint nothing is exported over OTLP.
   */
  readonly otlp?: {
    /** Base endpoint, e.g. `http://127.0.0.1:4318`; `/v1/traces` is appended. */
    readonly endpoint?: string;
    /** Full traces URL; wins over `endpoint`. */
    readonly tracesEndpoint?: string;
    /** Most spans held while the collector is slow or down; the rest are dropped and counted. Default `OTEL_BSP_MAX_QUEUE_SIZE`, else 2048. */
    readonly maxQueueSize?: number;
    /** Time one export may take, in ms. Default `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10000. */
    readonly timeoutMillis?: number;
  };
  /** Event-loop delay, heap and GC metrics. Default true. */
  readonly runtimeMetrics?: boolean;
  /** Series one instrument may hold. Default 2000. */
  readonly cardinalityLimit?: number;
  /** Order tracing: open-order bound, lifecycle timeout, finished orders kept, stage events or stage spans. */
  readonly orders?: OrderTrackerOptions;
  /** Upper bound for `forceFlush()` and `shutdown()`, in ms. Default 5000. */
  readonly shutdownTimeoutMillis?: number;
  /** Turn everything off (as `OTEL_SDK_DISABLED=true` does). */
  readonly disabled?: boolean;
  /** Health probes on the embedded server. */
  readonly health?: {
    /** Whether a degraded readiness check still counts as ready. Default true. */
    readonly degradedIsReady?: boolean;
    /** Register the memory, event-loop and telemetry-export checks. Default true. */
    readonly builtInChecks?: boolean;
  };
  /** In-process alerting: rules, notifiers, incident history, governor. Its API is mounted under /api/. */
  readonly alerting?: AlertingOptions;
  /** Graceful shutdown: drain delay, hook timeout, fatal-error policy, logger. See ProcessLifecycle. */
  readonly lifecycle?: Omit<ProcessLifecycleOptions, 'flush'>;
  /** Environment to read `OTEL_*` from. Defaults to `process.env`; tests pass their own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The settled configuration: options merged over the environment, validated. */
export interface ResolvedConfig {
  readonly disabled: boolean;
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly environment: string;
  readonly resourceAttributes: Readonly<Record<string, string | number | boolean>>;
  readonly envResourceAttributes: Readonly<Record<string, string>>;
  readonly server: false | { readonly host: string; readonly port: number; readonly token?: string };
  readonly dashboard: false | { readonly history: HistoryOptions; readonly jaegerUrl: string | undefined };
  readonly otlp:
    | undefined
    | { readonly tracesUrl: string; readonly logsUrl: string; readonly maxQueueSize: number; readonly timeoutMillis: number };
  readonly runtimeMetrics: boolean;
  readonly cardinalityLimit: number;
  readonly orders: ResolvedOrderTrackerOptions;
  readonly shutdownTimeoutMillis: number;
  readonly degradedIsReady: boolean;
  readonly builtInChecks: boolean;
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
const url = z.url({ protocol: /^https?$/ });
const positiveInt = z.coerce.number().int().positive();

/** Parses `value` with `schema`, or throws a TelemetryConfigError naming `setting`. */
function parse<T>(setting: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new TelemetryConfigError(setting, `${issue?.message ?? 'invalid'} (got ${JSON.stringify(value)})`);
}

function optional<T>(setting: string, schema: z.ZodType<T>, value: unknown): T | undefined {
  return value === undefined || value === '' ? undefined : parse(setting, schema, value);
}

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

function appendPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/**
 * Merges options over the environment and validates the result. Fails fast at start-up with
 * a {@link TelemetryConfigError} that names the option or variable to fix.
 */
export function resolveConfig(options: StartTelemetryOptions = {}): ResolvedConfig {
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
      port:
        (options.server?.port === undefined ? undefined : parse('server.port', port, options.server.port)) ??
        optional('OTEL_EXPORTER_PROMETHEUS_PORT', port, env.OTEL_EXPORTER_PROMETHEUS_PORT) ??
        DEFAULT_SERVER_PORT,
      ...(options.server?.token === undefined ? {} : { token: parse('server.token', z.string().min(16, 'must be at least 16 characters'), options.server.token) }),
    };
  }

  const tracesUrl =
    optional('otlp.tracesEndpoint', url, options.otlp?.tracesEndpoint) ??
    (options.otlp?.endpoint === undefined ? undefined : appendPath(parse('otlp.endpoint', url, options.otlp.endpoint), '/v1/traces')) ??
    optional('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', url, env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? appendPath(parse('OTEL_EXPORTER_OTLP_ENDPOINT', url, env.OTEL_EXPORTER_OTLP_ENDPOINT), '/v1/traces')
      : undefined);
  const logsBase = options.otlp?.endpoint ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const logsUrl =
    optional('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', url, env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT) ??
    (logsBase ? appendPath(logsBase, '/v1/logs') : undefined);

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
            maxQueueSize:
              optional('otlp.maxQueueSize', positiveInt, options.otlp?.maxQueueSize) ?? optional('OTEL_BSP_MAX_QUEUE_SIZE', positiveInt, env.OTEL_BSP_MAX_QUEUE_SIZE) ?? 2048,
            timeoutMillis:
              optional('otlp.timeoutMillis', positiveInt, options.otlp?.timeoutMillis) ?? optional('OTEL_EXPORTER_OTLP_TIMEOUT', positiveInt, env.OTEL_EXPORTER_OTLP_TIMEOUT) ?? 10_000,
          },
    runtimeMetrics: options.runtimeMetrics ?? true,
    cardinalityLimit: parse('cardinalityLimit', positiveInt, options.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT),
    orders: resolveOrderTrackerOptions(options.orders, 'orders.'),
    shutdownTimeoutMillis: parse('shutdownTimeoutMillis', positiveInt, options.shutdownTimeoutMillis ?? 5000),
    dashboard:
      options.dashboard === false || server === false
        ? false
        : {
            history: options.dashboard?.history ?? {},
            jaegerUrl: optional('dashboard.jaegerUrl', url, options.dashboard?.jaegerUrl ?? env.TRADING_TELEMETRY_JAEGER_URL),
          },
    degradedIsReady: options.health?.degradedIsReady ?? true,
    builtInChecks: options.health?.builtInChecks ?? true,
  };
}
