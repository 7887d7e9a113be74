import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { createTradingTelemetry, Instruments, type TradingTelemetry, type TradingTelemetryOptions } from 'trading-telemetry';
import { OnDemandReader } from './metric-collector.js';

/** A real tracing SDK registered globally (context manager, W3C propagators), exporting to memory. */
export interface TracingHarness {
  readonly exporter: InMemorySpanExporter;
  readonly telemetry: TradingTelemetry;
  spans(): ReadableSpan[];
  span(name: string): ReadableSpan;
  /** `trading.telemetry.lifecycle_errors` by reason, as collected now. */
  lifecycleErrors(): Promise<Record<string, number>>;
  shutdown(): Promise<void>;
}

export function tracingHarness(options: Omit<TradingTelemetryOptions, 'tracerProvider' | 'meterProvider'> = {}): TracingHarness {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const reader = new OnDemandReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
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
    async lifecycleErrors() {
      const { resourceMetrics } = await reader.collect();
      const errors: Record<string, number> = {};
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          if (metric.descriptor.name !== Instruments.lifecycleErrors.name) continue;
          for (const point of metric.dataPoints) errors[String(point.attributes.reason)] = point.value as number;
        }
      }
      return errors;
    },
    async shutdown() {
      telemetry.close();
      await provider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
