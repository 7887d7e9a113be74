import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import pino, { type DestinationStream } from 'pino';
import { createLogger, createTradingTelemetry, SeriesProducer, type TradingTelemetry } from 'trading-telemetry';
import type { Suite } from '../harness.js';
import { BENCH_INTENT, benchOrder } from './bench-order.js';

/** Accepts every batch at once: the pipeline's work without a network. */
const discardingExporter: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: () => Promise.resolve(),
};

/** Takes each serialised line and drops it: the logging cost without the I/O. */
function nullStream(): DestinationStream {
  return { write: () => undefined };
}

/** Real SDK providers, as an instrumented bot has them: batching spans, a Prometheus reader (with the histogram producer when given). */
export function sdkProviders(seriesProducer?: SeriesProducer): { meterProvider: MeterProvider; tracerProvider: BasicTracerProvider } {
  return {
    meterProvider: new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true, metricProducers: seriesProducer === undefined ? [] : [seriesProducer] })] }),
    tracerProvider: new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discardingExporter, { maxQueueSize: 65_536, scheduledDelayMillis: 200 })] }),
  };
}

/**
 * One whole order (created → sent → acknowledged → filled) and one info log line to a null
 * stream: with no instrumentation, with raw OpenTelemetry and pino written by hand to do the same
 * work (a lifecycle span with an event per stage, the placed and filled counters, the stage,
 * duration and fill-ratio histograms, trace ids in the log line), and with the facade, by
 * default and with a child span per stage (`stageSpans`). Context propagates through
 * AsyncLocalStorage, as under startTelemetry.
 */
export function orderInstrumentationSuite(): Suite {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const facadeTelemetry = (stageSpans: boolean): TradingTelemetry => {
    const seriesProducer = new SeriesProducer(); // the fast path, as startTelemetry sets it up
    return createTradingTelemetry({ ...sdkProviders(seriesProducer), seriesProducer, stageSpans });
  };
  const telemetry = facadeTelemetry(false);
  const withStageSpans = facadeTelemetry(true);
  const facadeLog = createLogger({ level: 'info', otel: false, destination: nullStream(), env: {} });

  const raw = sdkProviders();
  const tracer = raw.tracerProvider.getTracer('raw');
  const meter = raw.meterProvider.getMeter('raw');
  const orders = meter.createCounter('raw_orders');
  const stageDuration = meter.createHistogram('raw_stage_duration');
  const orderDuration = meter.createHistogram('raw_order_duration');
  const fillRatio = meter.createHistogram('raw_fill_ratio');
  const rawLog = pino({ level: 'info' }, nullStream());

  const intent = BENCH_INTENT;
  let id = 0;
  const kept = { filled: 0 }; // keeps the uninstrumented work observable, so it is not optimised away

  const uninstrumented = (): void => {
    const order = { id: `o-${++id}`, ...intent, stage: 'created', filled: 0 };
    order.stage = 'sent';
    order.stage = 'acknowledged';
    order.stage = 'filled';
    order.filled = order.quantity;
    kept.filled += order.filled;
  };

  // Written as a careful engineer would: the attribute sets that do not change per order are built once.
  const stream = { 'trading.exchange': intent.exchange, 'trading.symbol': intent.symbol, 'trading.side': intent.side, 'trading.order.type': intent.orderType };
  const placed = { ...stream, 'trading.order.status': 'placed' };
  const filled = { ...stream, 'trading.order.status': 'filled' };
  const stageAttributes = (['sent', 'acknowledged', 'filled'] as const).map((stage) => ({ stage, attributes: { 'trading.exchange': intent.exchange, 'trading.order.stage': stage } }));
  const rawOtel = (): void => {
    const correlationId = `o-${++id}`;
    const started = performance.now();
    const span = tracer.startSpan('order.lifecycle', {
      attributes: {
        'trading.correlation_id': correlationId,
        'trading.exchange': intent.exchange,
        'trading.symbol': intent.symbol,
        'trading.side': intent.side,
        'trading.order.type': intent.orderType,
        'trading.order.quantity': intent.quantity,
        'trading.order.price': intent.price,
      },
    });
    orders.add(1, placed);
    let last = started;
    for (const { stage, attributes } of stageAttributes) {
      const now = performance.now();
      span.addEvent(`order.${stage}`);
      stageDuration.record((now - last) / 1000, attributes);
      last = now;
    }
    orders.add(1, filled);
    orderDuration.record((last - started) / 1000, filled);
    fillRatio.record(1, stream);
    span.setAttributes({ 'trading.order.status': 'filled', 'trading.order.filled_quantity': intent.quantity });
    span.end();
    const { traceId, spanId } = span.spanContext();
    rawLog.info({ trace_id: traceId, span_id: spanId, correlation_id: correlationId, symbol: intent.symbol }, 'order filled');
  };

  const facadeOrder = (orders: TradingTelemetry['orders']) => (): void => {
    const order = orders.track(benchOrder(`o-${++id}`));
    order.sent().acknowledged().filled({ price: 50_001 });
    order.run(() => facadeLog.info({ symbol: intent.symbol }, 'order filled'));
  };

  return {
    title: 'Full order instrumentation (place → ack → fill, spans, metrics, one log line)',
    cases: [
      { name: 'no instrumentation', fn: uninstrumented },
      { name: 'raw OTel + pino by hand', fn: rawOtel },
      { name: 'facade (orders.track + createLogger)', fn: facadeOrder(telemetry.orders) },
      { name: 'facade, a child span per stage (stageSpans)', fn: facadeOrder(withStageSpans.orders) },
    ],
    ratios: [['facade (orders.track + createLogger)', 'raw OTel + pino by hand']],
    targets: { 'facade (orders.track + createLogger) / raw OTel + pino by hand': 1.2 },
    limitsNs: { 'facade (orders.track + createLogger)': 10_000 },
  };
}
