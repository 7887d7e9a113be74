import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import pino, { type DestinationStream } from 'pino';
import { createLogger, createTradingTelemetry, SeriesProducer, type TradingTelemetry } from 'trading-telemetry';
import type { Suite } from '../harness.js';
import { BENCH_INTENT, benchOrder } from './bench-order.js';
import { sdkProviders, tailKeptTelemetry } from './sdk-providers.js';

/** Takes each serialised line and drops it: the logging cost without the I/O. */
function nullStream(): DestinationStream {
  return { write: () => undefined };
}

/** Tail keeping with nothing kept at random or for a low rate: the default slow rules still learn from every order. */
const ROUTINE_UNKEPT = { random: 0, keepAllBelowPerSecond: 0 } as const;
/** The mixed stream's policy: every rejected order and 1% of the rest (the default share), the default slow rules, no low-rate rule. */
const MIXED = { random: 0.01, keepAllBelowPerSecond: 0 } as const;
/** One order in 50 of the mixed stream is rejected. */
const REJECTED_EVERY = 50;

/**
 * One whole order (created → sent → acknowledged → filled) and one info log line to a null
 * stream: with no instrumentation, with raw OpenTelemetry and pino written by hand to do the same
 * work (a lifecycle span with an event per stage, the placed and filled counters, the stage,
 * duration and fill-ratio histograms, trace ids in the log line), and with the facade, by
 * default and with a child span per stage (`stageSpans`). Context propagates through
 * AsyncLocalStorage, as under startTelemetry. Then the same order under startTelemetry's
 * tail-kept traces: unkept (no SDK span; stage times, metrics and the log line only), kept
 * (`keep: 'all'`: its spans built at its end), and a mixed stream of 2% rejected orders, all
 * kept, and 1% of the rest.
 */
export function orderInstrumentationSuite(): Suite {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const facadeTelemetry = (stageSpans: boolean): TradingTelemetry => {
    const seriesProducer = new SeriesProducer(); // the fast path, as startTelemetry sets it up
    return createTradingTelemetry({ ...sdkProviders(seriesProducer), seriesProducer, stageSpans });
  };
  const telemetry = facadeTelemetry(false);
  const withStageSpans = facadeTelemetry(true);
  const unkept = tailKeptTelemetry(ROUTINE_UNKEPT);
  const keptAll = tailKeptTelemetry('all');
  const mixed = tailKeptTelemetry(MIXED);
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

  let mixedOrders = 0;
  const mixedStream = (): void => {
    const order = mixed.telemetry.orders.track(benchOrder(`o-${++id}`));
    if (++mixedOrders % REJECTED_EVERY === 0) {
      order.sent().rejected('insufficient_balance');
      order.run(() => facadeLog.info({ symbol: intent.symbol }, 'order rejected'));
    } else {
      order.sent().acknowledged().filled({ price: 50_001 });
      order.run(() => facadeLog.info({ symbol: intent.symbol }, 'order filled'));
    }
  };

  const facade = 'facade (orders.track + createLogger)';
  const byHand = 'raw OTel + pino by hand';
  const unkeptCase = 'tail-kept, an unkept order';
  const keptCase = "tail-kept, a kept order (keep: 'all')";
  const mixedCase = 'tail-kept, mixed stream (2% rejected, all kept; 1% of the rest)';
  return {
    title: 'Full order instrumentation (place → ack → fill, spans, metrics, one log line)',
    cases: [
      { name: 'no instrumentation', fn: uninstrumented },
      { name: byHand, fn: rawOtel },
      { name: facade, fn: facadeOrder(telemetry.orders) },
      { name: 'facade, a child span per stage (stageSpans)', fn: facadeOrder(withStageSpans.orders) },
      { name: unkeptCase, fn: facadeOrder(unkept.telemetry.orders) },
      { name: keptCase, fn: facadeOrder(keptAll.telemetry.orders) },
      { name: mixedCase, fn: mixedStream },
    ],
    ratios: [
      [facade, byHand],
      [unkeptCase, byHand],
      [mixedCase, byHand],
      [keptCase, facade],
    ],
    targets: { [`${facade} / ${byHand}`]: 1.2, [`${unkeptCase} / ${byHand}`]: 0.25, [`${mixedCase} / ${byHand}`]: 0.3, [`${keptCase} / ${facade}`]: 1.05 },
    limitsNs: { [facade]: 10_000 },
  };
}
