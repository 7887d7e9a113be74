import { context, createNoopMeter, type Meter, type MeterProvider, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Instruments, SCOPE_NAME } from '../conventions.js';
import { SeriesProducer } from '../metrics/series-producer.js';
import { buildTradingTelemetry, createTradingTelemetry, type TradingTelemetry } from '../trading-telemetry.js';
import { OrderSpanProcessor } from '../tracing/order-span-processor.js';
import { OrderTraceStats } from '../tracing/order-trace-stats.js';
import { VERSION } from '../version.js';
import { eventLoopCheck } from '../health/checks/event-loop-check.js';
import { exportCheck, type ExportHealth } from '../health/checks/export-check.js';
import { memoryCheck } from '../health/checks/memory-check.js';
import { HealthRegistry } from '../health/health-registry.js';
import { ProcessLifecycle } from '../health/process-lifecycle.js';
import { MetricsHistory } from '../history/metrics-history.js';
import { createLogger } from '../logging/create-logger.js';
import type { TelemetryLogger } from '../telemetry-logger.js';
import { mountChaosRoutes } from '../server/routes/chaos-routes.js';
import { exchangeViewsOf } from '../exchange-health-view.js';
import { mountDashboardApiRoutes } from '../server/routes/dashboard-api-routes.js';
import { mountDashboard } from '../server/routes/dashboard-assets.js';
import { mountHealthRoutes } from '../server/routes/health-routes.js';
import { mountMetricsRoutes } from '../server/routes/metrics-routes.js';
import { LiveStream } from '../server/live-stream.js';
import { isLoopbackBind } from '../validation/loopback.js';
import { TelemetryServer } from '../server/telemetry-server.js';
import { observeInstrument } from '../metrics/observable.js';
import { bounded } from '../bounded.js';
import { AccountedMetricExporter } from './accounted-metric-exporter.js';
import { unitless } from './unitless-metrics.js';
import type { BoundedExportOptions } from './bounded-export-queue.js';
import { BoundedLogRecordProcessor } from './bounded-log-processor.js';
import { BoundedSpanProcessor } from './bounded-span-processor.js';
import { type ResolvedConfig, resolveConfig } from './config.js';
import { ExportStats } from './export-stats.js';
import { registerInternals } from './handle-internals.js';
import type { StartTelemetryOptions } from './options.js';
import { observeProcessMemory } from './process-memory-metrics.js';
import { RedactingLogRecordExporter, RedactingSpanExporter } from './redacting-exporters.js';
import { buildResource } from './resource.js';

/** What {@link startTelemetry} returns: the facade plus the lifecycle of everything it started. */
export interface TelemetryHandle {
  /** The trading telemetry facade. */
  readonly telemetry: TradingTelemetry;
  /** The settled configuration (options over environment). */
  readonly config: ResolvedConfig;
  /** Health checks: register your own (`health.register(name, fn, { probes })`); the probes serve them. */
  readonly health: HealthRegistry;
  /** The process lifecycle: `onShutdown(name, hook)`, `installProcessHandlers()`, `markReady()` (with `readiness: 'manual'`). */
  readonly lifecycle: ProcessLifecycle;
  /** Base URL of the embedded server, e.g. `http://127.0.0.1:9464`; undefined when disabled or `server: false`. */
  readonly url: string | undefined;
  /** Export pipeline accounting per OTLP signal (empty without OTLP): queued, exported, dropped by reason, failures. */
  readonly exportHealth: () => ExportHealth[];
  /** Exports everything pending. Settles within `shutdownTimeoutMillis`; never rejects. */
  readonly forceFlush: () => Promise<void>;
  /**
   * The one way down, the same one SIGTERM takes with `lifecycle.installProcessHandlers()`:
   * readiness 503, the drain delay (once a readiness probe was answered), your
   * `lifecycle.onShutdown` hooks in order, then telemetry flushed and stopped and the server
   * closed. Never rejects; idempotent. It does not exit the process.
   */
  readonly shutdown: (reason?: string) => Promise<void>;
}

const NOOP_METER_PROVIDER: MeterProvider = { getMeter: () => createNoopMeter() };

/** OTLP/HTTP export of traces and logs through bounded, fully accounted queues. */
function otlpProcessors(config: ResolvedConfig): { spans: BoundedSpanProcessor; logs: BoundedLogRecordProcessor } | undefined {
  const otlp = config.otlp;
  if (otlp === undefined) return undefined;
  const queue: BoundedExportOptions = {
    maxQueueSize: otlp.maxQueueSize,
    maxBatchSize: Math.min(512, otlp.maxQueueSize),
    scheduledDelayMillis: 1000,
    exportTimeoutMillis: otlp.timeoutMillis + 1000,
  };
  return {
    spans: new BoundedSpanProcessor(new RedactingSpanExporter(new OTLPTraceExporter({ url: otlp.tracesUrl, timeoutMillis: otlp.timeoutMillis })), queue),
    logs: new BoundedLogRecordProcessor(new RedactingLogRecordExporter(new OTLPLogExporter({ url: otlp.logsUrl, timeoutMillis: otlp.timeoutMillis })), queue),
  };
}

/**
 * OTLP/HTTP metrics push, when configured: a periodic reader over an accounted exporter, with
 * the facade's producer attached, as the Prometheus reader has it. Metrics go without units,
 * so Prometheus names them as /metrics does ({@link unitless}).
 */
function otlpMetrics(config: ResolvedConfig, seriesProducer: SeriesProducer): { reader: PeriodicExportingMetricReader; exporter: AccountedMetricExporter } | undefined {
  const push = config.metrics.otlp;
  if (push === undefined) return undefined;
  const exporter = new AccountedMetricExporter(unitless(new OTLPMetricExporter({ url: push.url, timeoutMillis: push.timeoutMillis })), push.timeoutMillis + 1000);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: push.intervalMillis,
    exportTimeoutMillis: push.timeoutMillis,
    metricProducers: [seriesProducer],
  });
  return { reader, exporter };
}

/** The built-in checks: event loop and memory decide readiness; telemetry export only shows in /health. */
function registerBuiltInChecks(health: HealthRegistry, exportHealth: () => ExportHealth[]): () => void {
  const loopCheck = eventLoopCheck();
  health.register('event_loop', loopCheck, { probes: ['liveness', 'readiness'] });
  health.register('memory', memoryCheck(), { probes: ['readiness'] });
  health.register('telemetry_export', exportCheck(exportHealth), { probes: [] });
  return () => loopCheck.stop();
}

/** Stops what attached to the handle (alerting), newest first, within `timeoutMillis` in all. */
async function runClosers(closers: readonly (() => Promise<void>)[], timeoutMillis: number): Promise<void> {
  await bounded(async () => {
    for (const close of [...closers].reverse()) await close().catch(() => undefined);
  }, timeoutMillis);
}

/** The handle's lifecycle, wired to `teardown`, ready at once unless readiness is manual. */
function lifecycleFor(config: ResolvedConfig, logger: TelemetryLogger, teardown: () => Promise<void>): ProcessLifecycle {
  const { readiness, ...options } = config.lifecycle;
  const lifecycle = new ProcessLifecycle({ ...options, logger, teardown });
  if (readiness !== 'manual') lifecycle.markReady();
  return lifecycle;
}

/** The handle of a disabled start: the facade over no-op instruments, a lifecycle, nothing served. */
function disabledHandle(config: ResolvedConfig, logger: TelemetryLogger): TelemetryHandle {
  const telemetry = createTradingTelemetry({ ...config.orders, meterProvider: NOOP_METER_PROVIDER, cardinalityLimit: config.cardinalityLimit, logger });
  const closers: (() => Promise<void>)[] = [];
  const lifecycle = lifecycleFor(config, logger, async () => {
    await runClosers(closers, config.shutdownTimeoutMillis);
    telemetry.close();
  });
  const handle: TelemetryHandle = {
    telemetry,
    config,
    health: new HealthRegistry(),
    lifecycle,
    url: undefined,
    exportHealth: () => [],
    forceFlush: async () => {},
    shutdown: (reason) => lifecycle.shutdown(reason),
  };
  registerInternals(handle, { meter: createNoopMeter(), server: undefined, features: new Set(), logger, closers });
  return handle;
}

/**
 * A server on a non-loopback address without a token: said loudly at start-up and in /health
 * (a check that never decides a probe), as anyone who can reach the port can read it.
 */
function warnExposed(server: TelemetryServer, health: HealthRegistry, logger: TelemetryLogger): void {
  const where = server.url();
  const mutations = server.mutationsAllowed ? 'state changes are ON (server.allowMutations)' : 'state changes are off until a token is set';
  const reason = `serving ${where} beyond loopback without a token: anyone who reaches it reads /metrics and /api; ${mutations}. Set server.token or TRADING_TELEMETRY_TOKEN`;
  logger.warn({ url: where, allowMutations: server.mutationsAllowed }, `SECURITY: ${reason}`);
  health.register('server_exposure', () => ({ status: 'degraded', reason }), { probes: [] });
}

/** Serves the dashboard's history and live stream; returns what stops them. */
function serveDashboard(server: TelemetryServer, telemetry: TradingTelemetry, deps: { config: ResolvedConfig; health: HealthRegistry; lifecycle: ProcessLifecycle; meter: Meter; features: Set<string> }): () => void {
  const dashboard = deps.config.dashboard;
  if (dashboard === false) return () => undefined;
  const history = new MetricsHistory(dashboard.history);
  const live = new LiveStream({}, deps.meter);
  const sampler = setInterval(() => {
    const snapshot = telemetry.snapshot();
    history.record(snapshot, telemetry.orders.latencyHistogram());
    live.broadcast('update', { sample: history.latest(), snapshot });
  }, history.resolutionSeconds * 1000);
  sampler.unref();
  mountDashboardApiRoutes(server, {
    telemetry,
    history,
    stream: live,
    health: deps.health,
    lifecycle: deps.lifecycle,
    serviceName: deps.config.serviceName,
    jaegerUrl: dashboard.jaegerUrl,
    features: () => [...deps.features],
    exchanges: () => exchangeViewsOf(telemetry).all(),
  });
  mountDashboard(server);
  return () => {
    clearInterval(sampler);
    live.close();
  };
}

/**
 * Starts OpenTelemetry for a trading process, once, at boot: a NodeSDK with our resource,
 * a Prometheus exporter on the embedded server (127.0.0.1:9464 by default), OTLP/HTTP trace
 * and log export when an endpoint is configured (and metrics pushed over OTLP when
 * `metrics.exporters` or `OTEL_METRICS_EXPORTER` says so), Node runtime metrics, health probes, the
 * dashboard, and the process lifecycle (ready once started, unless `lifecycle.readiness` is
 * `manual`). Returns the facade and the handle that stops it all.
 *
 * With `OTEL_SDK_DISABLED=true` (or `disabled: true`) nothing starts and the facade records
 * into no-op instruments.
 *
 * @throws TelemetryConfigError when an option or `OTEL_*` variable is unusable (before anything
 * starts), or when the server's port is taken.
 */
export async function startTelemetry(options: StartTelemetryOptions = {}): Promise<TelemetryHandle> {
  const config = resolveConfig(options);
  const logger = config.logger ?? createLogger({ component: SCOPE_NAME, ...(options.env === undefined ? {} : { env: options.env }) });
  if (config.disabled) return disabledHandle(config, logger);

  const otlp = otlpProcessors(config);
  const resource = buildResource(config);
  // Order traces are tail-kept: children of undecided orders wait here, kept orders' spans enter here.
  const orderTraceStats = new OrderTraceStats();
  const orderSpans = new OrderSpanProcessor(otlp?.spans ?? new NoopSpanProcessor(), {
    resource,
    stats: orderTraceStats,
    maxHeldSpansPerOrder: config.keep.maxHeldSpansPerOrder,
    maxHeldSpans: config.keep.maxHeldSpans,
  });
  // The facade's counters, gauges and histograms export from its own numbers (no attribute hashing).
  const seriesProducer = new SeriesProducer();
  const prometheus = config.metrics.prometheus ? new PrometheusExporter({ preventServerStart: true, metricProducers: [seriesProducer] }) : undefined;
  const pushed = otlpMetrics(config, seriesProducer);
  const sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    // Always given, so NodeSDK never builds readers of its own from OTEL_METRICS_EXPORTER.
    metricReaders: [...(prometheus === undefined ? [] : [prometheus]), ...(pushed === undefined ? [] : [pushed.reader])],
    // Without OTLP, spans are still created (so trace ids reach logs) but nothing is exported.
    spanProcessors: [orderSpans],
    logRecordProcessors: otlp === undefined ? [] : [otlp.logs],
    // Its event-loop delay histogram samples every 10 ms (its default precision) and reports
    // nodejs.eventloop.delay.* over each collection interval.
    instrumentations: config.runtimeMetrics ? [new RuntimeNodeInstrumentation()] : [],
  });
  sdk.start();

  const telemetry = buildTradingTelemetry({ ...config.orders, cardinalityLimit: config.cardinalityLimit, seriesProducer, logger }, { keep: config.keep, pipeline: orderSpans });
  const meter = metrics.getMeterProvider().getMeter(SCOPE_NAME, VERSION);
  orderTraceStats.observe(meter);
  // Without OTLP the export counters still exist, at 0: dashboards show a flat line, not "no data".
  const exportStats = [...(otlp === undefined ? [] : [otlp.spans.stats, otlp.logs.stats]), ...(pushed === undefined ? [] : [pushed.exporter.stats])];
  for (const signal of ['traces', 'logs', 'metrics'] as const) (exportStats.find((s) => s.signal === signal) ?? new ExportStats(signal, () => 0)).observe(meter);
  const exportHealth = (): ExportHealth[] => exportStats.map((stats) => stats.health());

  if (config.runtimeMetrics) observeProcessMemory(meter);
  const health = new HealthRegistry({ meter });
  const stopChecks = config.builtInChecks ? registerBuiltInChecks(health, exportHealth) : undefined;
  // Checks also run in the background, so their status gauges are current without a probe.
  const checker = setInterval(() => void health.run(), 5000);
  checker.unref();
  void health.run();

  const features = new Set<string>();
  const closers: (() => Promise<void>)[] = [];
  const server = config.server === false ? undefined : new TelemetryServer(config.server);
  let stopDashboard: (() => void) | undefined;
  let endChaos: (() => void) | undefined;
  const teardown = async (): Promise<void> => {
    await runClosers(closers, config.shutdownTimeoutMillis);
    telemetry.close();
    stopChecks?.();
    clearInterval(checker);
    stopDashboard?.();
    endChaos?.();
    const outcome = await bounded(() => sdk.shutdown(), config.shutdownTimeoutMillis);
    if (outcome !== 'done') {
      otlp?.spans.abandon();
      otlp?.logs.abandon();
      logger.warn({ outcome }, `telemetry SDK shutdown ${outcome}; what was still queued is counted as dropped (shutdown)`);
    }
    // Return the process to the no-op API so a later startTelemetry() can register again.
    trace.disable();
    metrics.disable();
    logs.disable();
    propagation.disable();
    context.disable();
    await bounded(async () => server?.close(), 1000);
  };
  const lifecycle = lifecycleFor(config, logger, teardown);
  lifecycle.observe(meter);

  if (server !== undefined) {
    if (prometheus !== undefined) mountMetricsRoutes(server, prometheus, config.server === false ? 0 : config.server.metricsCacheMillis);
    mountHealthRoutes(server, health, lifecycle, config.degradedIsReady);
    stopDashboard = serveDashboard(server, telemetry, { config, health, lifecycle, meter, features });
    if (config.chaosRoutes) endChaos = mountChaosRoutes(server);
    observeInstrument(meter, Instruments.serverRefused, (result) => {
      for (const [reason, count] of Object.entries(server.refused)) result.observe(count, { reason });
    });
    try {
      await server.listen();
    } catch (error) {
      await lifecycle.shutdown('the server could not start');
      throw error;
    }
    if (config.server !== false && config.server.token === undefined && !isLoopbackBind(config.server.host)) warnExposed(server, health, logger);
  }

  const handle: TelemetryHandle = {
    telemetry,
    config,
    health,
    lifecycle,
    url: server?.url(),
    exportHealth,
    async forceFlush() {
      const outcome = await bounded(() => Promise.all([otlp?.spans.forceFlush(), otlp?.logs.forceFlush(), pushed?.reader.forceFlush()]), config.shutdownTimeoutMillis);
      if (outcome !== 'done') logger.warn({ outcome }, `telemetry forceFlush ${outcome}`);
    },
    shutdown: (reason) => lifecycle.shutdown(reason),
  };
  registerInternals(handle, { meter, server, features, logger, closers });
  return handle;
}
