import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createTradingTelemetry, Instruments, type TradingTelemetry, type TradingTelemetryOptions } from 'trading-telemetry';
import { registerGlobalSdk } from './global-sdk.js';
import { OnDemandReader } from './metric-collector.js';

/** A real tracing SDK registered globally (context manager, W3C propagators), exporting to memory. */
export interface TracingHarness {
  readonly exporter: InMemorySpanExporter;
  readonly telemetry: TradingTelemetry;
  spans(): ReadableSpan[];
  span(name: string): ReadableSpan;
  /** `trading.telemetry.lifecycle_errors` by reason, as collected now (reasons at 0 left out). */
  lifecycleErrors(): Promise<Record<string, number>>;
  /** Refused measurements counted for `instrument` and `reason` (0 when none). */
  rejected(instrument: string, reason: string): Promise<number>;
  shutdown(): Promise<void>;
}

export function tracingHarness(options: Omit<TradingTelemetryOptions, 'tracerProvider' | 'meterProvider'> = {}): TracingHarness {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const unregister = registerGlobalSdk(provider, meterProvider);
  const telemetry = createTradingTelemetry({ ...options, tracerProvider: provider, meterProvider });
  return {
    exporter,
    telemetry,
    spans: () => exporter.getFinishedSpans(),
    span(name) {
      const found = exporter.getFinishedSpans().filter((s) => s.name === name);
      if (found.length !== 1) throw new Error(`${found.length} spans named ${name}`);
      return found[0] as ReadableSpan;
    },
    async rejected(instrument, reason) {
      const { resourceMetrics } = await reader.collect();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== Instruments.rejectedMeasurements.name) continue;
          const point = metric.dataPoints.find((p) => p.attributes.instrument === instrument && p.attributes.reason === reason);
          if (point !== undefined) return point.value as number;
        }
      }
      return 0;
    },
    async lifecycleErrors() {
      const { resourceMetrics } = await reader.collect();
      const errors: Record<string, number> = {};
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== Instruments.lifecycleErrors.name) continue;
          // Every reason is exported from 0; the non-zero ones are what happened.
          for (const point of metric.dataPoints) if (point.value !== 0) errors[String(point.attributes.reason)] = point.value as number;
        }
      }
      return errors;
    },
    async shutdown() {
      telemetry.close();
      await unregister();
    },
  };
}
