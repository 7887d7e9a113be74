import { context, createNoopMeter, diag, type MeterProvider, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SCOPE_NAME } from '../conventions.js';
import { SeriesProducer } from '../metrics/series-producer.js';
import { createTradingTelemetry, type TradingTelemetry } from '../trading-telemetry.js';
import { VERSION } from '../version.js';
import { mountAlertingRoutes } from '../alerting/alerting-routes.js';
import { type Alerting, createAlerting } from '../alerting/create-alerting.js';
import { eventLoopCheck } from '../health/checks/event-loop-check.js';
import { exportCheck } from '../health/checks/export-check.js';
import { memoryCheck } from '../health/checks/memory-check.js';
import { HealthRegistry } from '../health/health-registry.js';
import { ProcessLifecycle } from '../health/process-lifecycle.js';
import { mountHealthRoutes } from '../health/probe-routes.js';
import { MetricsHistory } from '../history/metrics-history.js';
import { mountApiRoutes } from '../server/api-routes.js';
import { mountDashboard } from '../server/dashboard-assets.js';
import { mountMetricsRoute } from '../server/metrics-route.js';
import { LiveStream } from '../server/live-stream.js';
import { TelemetryServer } from '../server/telemetry-server.js';
import { bounded } from '../bounded.js';
import type { BoundedExportOptions } from './bounded-export-queue.js';
import { BoundedLogRecordProcessor } from './bounded-log-processor.js';
import { BoundedSpanProcessor } from './bounded-span-processor.js';
import type { ExportHealth } from './export-stats.js';
import { type ResolvedConfig, resolveConfig, type StartTelemetryOptions } from './config.js';
import { observeEventLoopDelay } from './event-loop-metrics.js';
import { observeProcessMemory } from './process-memory-metrics.js';
import { buildResource } from './resource.js';

/** What {@link startTelemetry} returns: the facade plus the lifecycle of everything it started. */
export interface TelemetryHandle {
  /** The trading telemetry facade. */
  readonly telemetry: TradingTelemetry;
  /** The settled configuration (options over environment). */
  readonly config: ResolvedConfig;
  /** Health checks: register your own (`health.register(name, fn, { probes })`); probes serve them. */
  readonly health: HealthRegistry;
  /** The process lifecycle: `markReady()`, `onShutdown(name, hook)`, `installProcessHandlers()`. */
  readonly lifecycle: ProcessLifecycle;
  /** Alerting (engine, incidents, governor) when `alerting` was given. */
  readonly alerting: Alerting | undefined;
  /** The embedded server, or undefined when disabled or `server: false`. */
  readonly server: TelemetryServer | undefined;
  /** Base URL of the embedded server, e.g. `http://127.0.0.1:9464`. */
  readonly url: string | undefined;
  /** Export pipeline accounting per OTLP signal (empty without OTLP): queued, exported, dropped by reason, failures. */
  readonly exportHealth: () => ExportHealth[];
  /** Exports everything pending. Settles within `shutdownTimeoutMillis`; never rejects. */
  readonly forceFlush: () => Promise<void>;
  /** Flushes, stops exporters and closes the server. Settles within `shutdownTimeoutMillis`; never rejects. Idempotent. */
  readonly shutdown: () => Promise<void>;
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
    spans: new BoundedSpanProcessor(new OTLPTraceExporter({ url: otlp.tracesUrl, timeoutMillis: otlp.timeoutMillis }), queue),
    logs: new BoundedLogRecordProcessor(new OTLPLogExporter({ url: otlp.logsUrl, timeoutMillis: otlp.timeoutMillis }), queue),
  };
}

/**
 * Starts OpenTelemetry for a trading process, once, at boot: a NodeSDK with our resource,
 * a Prometheus exporter on the embedded server (127.0.0.1:9464 by default), OTLP/HTTP trace
 * export when an endpoint is configured, and Node runtime metrics. Returns the facade.
 *
 * With `OTEL_SDK_DISABLED=true` (or `disabled: true`) nothing starts and the facade records
 * into no-op instruments.
 *
 * @throws TelemetryConfigError when an option or `OTEL_*` variable is unusable (before anything starts).
 */
export async function startTelemetry(options: StartTelemetryOptions = {}): Promise<TelemetryHandle> {
  const config = resolveConfig(options);
  if (config.disabled) {
    const telemetry = createTradingTelemetry({ ...config.orders, meterProvider: NOOP_METER_PROVIDER, cardinalityLimit: config.cardinalityLimit });
    return {
      telemetry,
      config,
      health: new HealthRegistry(),
      lifecycle: new ProcessLifecycle({ ...options.lifecycle }),
      alerting: undefined,
      server: undefined,
      url: undefined,
      exportHealth: () => [],
      forceFlush: async () => {},
      shutdown: async () => {},
    };
  }

  const otlp = otlpProcessors(config);
  // Without OTLP, spans are still created (so trace ids reach logs) but nothing is exported.
  const processors: SpanProcessor[] = [otlp?.spans ?? new NoopSpanProcessor()];
  // The facade's counters, gauges and histograms export from its own numbers (no attribute hashing).
  const seriesProducer = new SeriesProducer();
  const prometheus = config.server === false ? undefined : new PrometheusExporter({ preventServerStart: true, metricProducers: [seriesProducer] });
  const sdk = new NodeSDK({
    resource: buildResource(config),
    autoDetectResources: false,
    metricReaders: prometheus === undefined ? [] : [prometheus],
    spanProcessors: processors,
    logRecordProcessors: otlp === undefined ? [] : [otlp.logs],
    instrumentations: config.runtimeMetrics ? [new RuntimeNodeInstrumentation({ monitoringPrecision: 5000 })] : [],
  });
  sdk.start();

  const telemetry = createTradingTelemetry({ ...config.orders, cardinalityLimit: config.cardinalityLimit, seriesProducer });
  const selfMeter = metrics.getMeterProvider().getMeter(SCOPE_NAME, VERSION);
  otlp?.spans.stats.observe(selfMeter);
  otlp?.logs.stats.observe(selfMeter);
  const exportHealth = (): ExportHealth[] => (otlp === undefined ? [] : [otlp.spans.stats.health(), otlp.logs.stats.health()]);

  const stopLoopMetrics = config.runtimeMetrics ? observeEventLoopDelay(selfMeter) : undefined;
  if (config.runtimeMetrics) observeProcessMemory(selfMeter);
  const health = new HealthRegistry({ meter: selfMeter });
  const loopCheck = config.builtInChecks ? eventLoopCheck() : undefined;
  if (loopCheck !== undefined) {
    health.register('event_loop', loopCheck, { probes: ['liveness', 'readiness'] });
    health.register('memory', memoryCheck(), { probes: ['readiness'] });
    health.register('telemetry_export', exportCheck(exportHealth), { probes: [] });
  }
  // Checks also run in the background, so their status gauges are current without a probe.
  const checker = setInterval(() => void health.run(), 5000);
  checker.unref();
  void health.run();

  const alerting = options.alerting === undefined ? undefined : await createAlerting(telemetry, options.alerting, selfMeter);
  let server: TelemetryServer | undefined;
  let stream: LiveStream | undefined;
  let sampler: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      telemetry.close();
      loopCheck?.stop();
      stopLoopMetrics?.();
      clearInterval(checker);
      clearInterval(sampler);
      stream?.close();
      await bounded(async () => alerting?.close(), config.shutdownTimeoutMillis);
      const outcome = await bounded(() => sdk.shutdown(), config.shutdownTimeoutMillis);
      if (outcome !== 'done') {
        otlp?.spans.abandon();
        otlp?.logs.abandon();
        diag.warn(`trading-telemetry: SDK shutdown ${outcome}; what was still queued is counted as dropped (shutdown)`);
      }
      // Return the process to the no-op API so a later startTelemetry() can register again.
      trace.disable();
      metrics.disable();
      logs.disable();
      propagation.disable();
      context.disable();
      await bounded(async () => server?.close(), 1000);
    })();
    return stopping;
  };
  const lifecycle = new ProcessLifecycle({ ...options.lifecycle, flush: shutdown });
  lifecycle.observe(selfMeter);

  if (config.server !== false && prometheus !== undefined) {
    server = new TelemetryServer(config.server);
    mountMetricsRoute(server, prometheus);
    mountHealthRoutes(server, health, lifecycle, { degradedIsReady: config.degradedIsReady });
    if (config.dashboard !== false) {
      const history = new MetricsHistory(config.dashboard.history);
      const live = new LiveStream({}, selfMeter);
      stream = live;
      sampler = setInterval(() => {
        const snapshot = telemetry.snapshot();
        history.record(snapshot, telemetry.orders.latencyHistogram());
        live.broadcast('update', { sample: history.latest(), snapshot });
      }, history.resolutionSeconds * 1000);
      sampler.unref();
      mountApiRoutes(server, { telemetry, history, stream: live, health, lifecycle, serviceName: config.serviceName, jaegerUrl: config.dashboard.jaegerUrl });
      mountDashboard(server);
    }
    if (alerting !== undefined) mountAlertingRoutes(server, alerting);
    try {
      await server.listen();
    } catch (error) {
      await shutdown();
      throw error;
    }
  }

  return {
    telemetry,
    config,
    health,
    lifecycle,
    alerting,
    server,
    url: server?.url(),
    exportHealth,
    async forceFlush() {
      const outcome = await bounded(
        () => Promise.all([...processors.map((processor) => processor.forceFlush()), otlp?.logs.forceFlush()]),
        config.shutdownTimeoutMillis,
      );
      if (outcome !== 'done') diag.warn(`trading-telemetry: forceFlush ${outcome}`);
    },
    shutdown,
  };
}
