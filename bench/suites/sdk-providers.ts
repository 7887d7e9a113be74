import { ExportResultCode } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { SeriesProducer, type TradingTelemetry } from 'trading-telemetry';
import { type OrderKeepOption, withKeepDefaults } from '../../src/tracing/keep-policy-options.js';
import { OrderSpanProcessor } from '../../src/tracing/order-span-processor.js';
import { OrderTraceStats } from '../../src/tracing/order-trace-stats.js';
import { buildTradingTelemetry } from '../../src/trading-telemetry.js';

/** Accepts every batch at once: the pipeline's work without a network. */
const discardingExporter: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: () => Promise.resolve(),
};

/** A batching span processor in front of {@link discardingExporter}, with a queue deep enough that a bench never drops. */
function batching(): BatchSpanProcessor {
  return new BatchSpanProcessor(discardingExporter, { maxQueueSize: 65_536, scheduledDelayMillis: 200 });
}

function prometheusReader(seriesProducer: SeriesProducer | undefined): PrometheusExporter {
  return new PrometheusExporter({ preventServerStart: true, metricProducers: seriesProducer === undefined ? [] : [seriesProducer] });
}

/** Real SDK providers, as an instrumented bot has them: batching spans, a Prometheus reader (with the histogram producer when given). */
export function sdkProviders(seriesProducer?: SeriesProducer): { meterProvider: MeterProvider; tracerProvider: BasicTracerProvider } {
  return {
    meterProvider: new MeterProvider({ readers: [prometheusReader(seriesProducer)] }),
    tracerProvider: new BasicTracerProvider({ spanProcessors: [batching()] }),
  };
}

/**
 * The facade as startTelemetry builds it, with tail-kept order traces under `keep`: the
 * series producer on a Prometheus reader, and the order span processor in front of the
 * batching one, where kept orders' spans enter and children of undecided orders wait.
 */
export function tailKeptTelemetry(keep: OrderKeepOption): { telemetry: TradingTelemetry; stats: OrderTraceStats } {
  const seriesProducer = new SeriesProducer();
  const resolved = withKeepDefaults(keep);
  const stats = new OrderTraceStats();
  const resource = resourceFromAttributes({ 'service.name': 'bench' });
  const pipeline = new OrderSpanProcessor(batching(), { resource, stats, maxHeldSpansPerOrder: resolved.maxHeldSpansPerOrder, maxHeldSpans: resolved.maxHeldSpans });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [pipeline] });
  const meterProvider = new MeterProvider({ readers: [prometheusReader(seriesProducer)] });
  return { telemetry: buildTradingTelemetry({ meterProvider, tracerProvider, seriesProducer }, { keep: resolved, pipeline }), stats };
}
