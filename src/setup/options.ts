import { z } from 'zod';
import type { ReadinessMode } from '../health/process-lifecycle.js';
import type { HistoryOptions } from '../history/metrics-history.js';
import { type TelemetryLogger, telemetryLoggerSchema } from '../telemetry-logger.js';
import { orderTracingOptionsSchema, type OrderTracingOptions } from '../tracing/order-tracker-options.js';
import { fn, schemaOf } from '../validation/parse-options.js';

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
   * The embedded HTTP server: `/metrics`, `/health/*`, `/api/*` and the dashboard on one port.
   * Host and port default to `OTEL_EXPORTER_PROMETHEUS_HOST`/`_PORT`, else 127.0.0.1:9464;
   * port 0 picks a free one. `false` serves nothing. See docs/security.md for the token.
   */
  readonly server?: false | ServerOptions;
  /**
   * The live dashboard at `/` and its API under `/api/` (on the embedded server). `false`
   * serves neither. `jaegerUrl` (default `TRADING_TELEMETRY_JAEGER_URL`) links orders to their traces.
   */
  readonly dashboard?: false | { readonly history?: HistoryOptions; readonly jaegerUrl?: string };
  /**
   * OTLP/HTTP export of traces and logs (and of metrics, with `metrics.exporters` holding
   * `otlp`). The endpoint defaults to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. Without an endpoint nothing is exported over OTLP.
   */
  readonly otlp?: {
    /** Base endpoint, e.g. `http://127.0.0.1:4318`; `/v1/traces`, `/v1/logs` and `/v1/metrics` are appended. */
    readonly endpoint?: string;
    /** Full traces URL; wins over `endpoint`. */
    readonly tracesEndpoint?: string;
    /** Full metrics URL; wins over `endpoint`. Default `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`. */
    readonly metricsEndpoint?: string;
    /** Most spans held while the collector is slow or down; the rest are dropped and counted. Default `OTEL_BSP_MAX_QUEUE_SIZE`, else 2048. */
    readonly maxQueueSize?: number;
    /** Time one export may take, in ms. Default `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10000. */
    readonly timeoutMillis?: number;
  };
  /**
   * Where metrics go. `prometheus`: served at `GET /metrics` on the embedded server for
   * Prometheus to pull (OpenMetrics with exemplars to a scraper that asks for it). `otlp`:
   * pushed over OTLP/HTTP to the collector (the `otlp` endpoint, `/v1/metrics`), for many bots
   * or no inbound network. Either, both, or none (`[]`); docs/deployment.md compares the paths.
   */
  readonly metrics?: {
    /** Default `OTEL_METRICS_EXPORTER` (`otlp`, `prometheus`, both comma-separated, or `none`), else `['prometheus']`. */
    readonly exporters?: readonly ('prometheus' | 'otlp')[];
    /** How often metrics are pushed over OTLP, in ms. Default `OTEL_METRIC_EXPORT_INTERVAL`, else 60000. */
    readonly exportIntervalMillis?: number;
  };
  /** Event-loop delay, heap and GC metrics. Default true. */
  readonly runtimeMetrics?: boolean;
  /** Series one instrument may hold. Default 2000. */
  readonly cardinalityLimit?: number;
  /** Order tracing: open-order bound, lifecycle timeout, finished orders kept, stage events or stage spans, and which traces are kept (`keep`). */
  readonly orders?: OrderTracingOptions;
  /** Upper bound for `forceFlush()` and the telemetry part of `shutdown()`, in ms. Default 5000. */
  readonly shutdownTimeoutMillis?: number;
  /** Turn everything off (as `OTEL_SDK_DISABLED=true` does). */
  readonly disabled?: boolean;
  /** Health probes on the embedded server, and the built-in checks. */
  readonly health?: {
    /** Whether a degraded readiness check still counts as ready. Default true. */
    readonly degradedIsReady?: boolean;
    /** Register the memory, event-loop and telemetry-export checks. Default true. */
    readonly builtInChecks?: boolean;
  };
  /** Readiness and graceful shutdown. See docs/health.md. */
  readonly lifecycle?: LifecycleOptions;
  /** Where the library writes its own lines (shutdown, refused measurements, warnings). Default: `createLogger({ component: 'trading-telemetry' })`. */
  readonly logger?: TelemetryLogger;
  /** Environment to read `OTEL_*` and `TRADING_TELEMETRY_*` from. Defaults to `process.env`; tests pass their own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The embedded server's options (`server` of {@link StartTelemetryOptions}); docs/security.md explains each. */
export interface ServerOptions {
  /** Interface to listen on. Default `OTEL_EXPORTER_PROMETHEUS_HOST`, else 127.0.0.1 (loopback only). */
  readonly host?: string;
  readonly port?: number;
  /** Bearer token every route but `/health/*` requires (16 characters or more). Default `TRADING_TELEMETRY_TOKEN`. */
  readonly token?: string;
  /**
   * Host names answered besides loopback names and IP literals, e.g. `['bot']` when Prometheus
   * scrapes `bot:9464` in a compose network (DNS rebinding defence). Default
   * `TRADING_TELEMETRY_ALLOWED_HOSTS` (comma-separated), else none.
   */
  readonly allowedHosts?: readonly string[];
  /** Serve state-changing routes (governor, silences, acks, chaos) on a non-loopback address without a token. Default false. */
  readonly allowMutations?: boolean;
  /** Open connections at most. Default 256. */
  readonly maxConnections?: number;
  /** Requests handled per second at most; more wait (up to 512), then get 503 with Retry-After. Default 400. */
  readonly maxRequestsPerSecond?: number;
  /** A `/metrics` render is shared by the scrapes of this many ms (and concurrent scrapes wait for one render). Default 1000. */
  readonly metricsCacheMillis?: number;
}

/** Readiness and shutdown (`lifecycle` of {@link StartTelemetryOptions}). */
export interface LifecycleOptions {
  /**
   * `auto` (default): ready as soon as startTelemetry has started; what the process needs
   * (an exchange connection) is a readiness health check. `manual`: starting until you call
   * `lifecycle.markReady()`.
   */
  readonly readiness?: ReadinessMode;
  /**
   * After readiness turns 503 at shutdown, wait this long before the hooks run (Kubernetes
   * removes the pod from its endpoints meanwhile), in ms. Skipped when no readiness probe was
   * ever answered. Default 5000.
   */
  readonly drainDelayMillis?: number;
  /** Default bound of one shutdown hook, in ms. Default 5000. */
  readonly hookTimeoutMillis?: number;
  /** What an uncaught exception or unhandled rejection does once logged (with installProcessHandlers): shut down (default) or keep running. */
  readonly onFatalError?: 'shutdown' | 'keep-running';
  /** Ends the process after a signal- or error-triggered shutdown; `process.exit` by default. */
  readonly exit?: (code: number) => void;
}

const port = z.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/ });
const positiveInt = z.number().int().positive();

/** The strict schema of {@link StartTelemetryOptions}: unknown keys and wrong types are refused, naming the option. */
export const startTelemetryOptionsSchema = schemaOf<StartTelemetryOptions>()(z.strictObject({
  serviceName: z.string().trim().min(1, 'must not be empty').optional(),
  serviceVersion: z.string().min(1).optional(),
  environment: z.string().min(1).optional(),
  resourceAttributes: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional(),
  server: z
    .union([
      z.literal(false),
      z.strictObject({
        host: z.string().min(1).optional(),
        port: port.optional(),
        token: z.string().min(16, 'must be at least 16 characters').optional(),
        allowedHosts: z.array(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name')).optional(),
        allowMutations: z.boolean().optional(),
        maxConnections: z.number().int().min(1).optional(),
        maxRequestsPerSecond: z.number().positive().optional(),
        metricsCacheMillis: z.number().min(0).max(60_000).optional(),
      }),
    ])
    .optional(),
  dashboard: z
    .union([
      z.literal(false),
      z.strictObject({
        history: z.strictObject({ retentionSeconds: z.number().optional(), resolutionSeconds: z.number().optional() }).optional(),
        jaegerUrl: httpUrl.optional(),
      }),
    ])
    .optional(),
  otlp: z
    .strictObject(
      { endpoint: httpUrl.optional(), tracesEndpoint: httpUrl.optional(), metricsEndpoint: httpUrl.optional(), maxQueueSize: positiveInt.optional(), timeoutMillis: positiveInt.optional() },
      { error: (issue) => (issue.code === 'invalid_type' ? "must be an object such as { endpoint: 'http://127.0.0.1:4318' }" : undefined) },
    )
    .optional(),
  metrics: z
    .strictObject({
      exporters: z.array(z.enum(['prometheus', 'otlp'], { error: () => 'must be prometheus or otlp' })).optional(),
      exportIntervalMillis: positiveInt.optional(),
    })
    .optional(),
  runtimeMetrics: z.boolean().optional(),
  cardinalityLimit: positiveInt.optional(),
  orders: orderTracingOptionsSchema.optional(),
  shutdownTimeoutMillis: positiveInt.optional(),
  disabled: z.boolean().optional(),
  health: z.strictObject({ degradedIsReady: z.boolean().optional(), builtInChecks: z.boolean().optional() }).optional(),
  lifecycle: z
    .strictObject({
      readiness: z.enum(['auto', 'manual']).optional(),
      drainDelayMillis: z.number().min(0).optional(),
      hookTimeoutMillis: z.number().positive().optional(),
      onFatalError: z.enum(['shutdown', 'keep-running']).optional(),
      exit: fn<(code: number) => void>().optional(),
    })
    .optional(),
  logger: telemetryLoggerSchema.optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
}));

/** Options that moved, with where they went: an unknown-key error says so instead of guessing a typo. */
export const MOVED_OPTIONS: Readonly<Record<string, string>> = {
  alerting: 'alerting now attaches to the running handle: startAlerting(telemetry, options) from trading-telemetry/alerting',
  'lifecycle.logger': 'the logger is now the top-level `logger` option',
};
