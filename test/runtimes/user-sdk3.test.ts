import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTradingTelemetry, Instruments, SeriesProducer, traced, type TradingTelemetry } from 'trading-telemetry';

/**
 * A user's own OpenTelemetry SDK 3.x (the current major, Node >= 22.15), installed by .ci/run from
 * test/fixtures/otel-sdk3's lock file, with trading-telemetry running over it: metrics through a
 * SeriesProducer on the user's reader, order traces through the user's TracerProvider.
 */
const fixture = resolve(import.meta.dirname, '../fixtures/otel-sdk3');
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const sdk3Runs = major > 22 || (major === 22 && minor >= 15);
if (sdk3Runs && !existsSync(resolve(fixture, 'node_modules'))) {
  throw new Error(`${fixture}/node_modules is missing: run npm ci there (bash .ci/run does)`);
}

// The fixture's own copies, as the user's project would resolve them.
const load = (name: string): unknown => createRequire(resolve(fixture, 'package.json'))(name);
type Api = typeof import('@opentelemetry/api');
type Metrics = typeof import('@opentelemetry/sdk-metrics');
type Resources = typeof import('@opentelemetry/resources');
const installedVersion = (name: string): string => (JSON.parse(readFileSync(resolve(fixture, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
interface TraceSdk3 {
  TracerProvider: new (options: { resource?: unknown; spanProcessors?: unknown[] }) => import('@opentelemetry/api').TracerProvider & { forceFlush(): Promise<void>; shutdown(): Promise<void> };
  InMemorySpanExporter: new () => { getFinishedSpans(): { name: string; attributes: Record<string, unknown>; events: { name: string }[]; spanContext(): { traceId: string; spanId: string }; parentSpanContext?: { spanId: string } }[] };
  // SDK 3 takes an options object (2.x took the exporter).
  SimpleSpanProcessor: new (options: { exporter: unknown }) => unknown;
}
interface ContextAsyncHooks {
  AsyncLocalStorageContextManager: new () => import('@opentelemetry/api').ContextManager;
}

describe.skipIf(!sdk3Runs)(`trading-telemetry over a user's OpenTelemetry SDK 3.x (Node ${process.versions.node}; SDK 3 needs Node >= 22.15, so Node 20 skips)`, () => {
  let api: Api;
  let metrics: Metrics;
  let telemetry: TradingTelemetry;
  let reader: InstanceType<Metrics['MetricReader']>;
  let spans: InstanceType<TraceSdk3['InMemorySpanExporter']>;
  let tracerProvider: InstanceType<TraceSdk3['TracerProvider']>;
  let meterProvider: InstanceType<Metrics['MeterProvider']>;

  beforeAll(() => {
    api = load('@opentelemetry/api') as Api;
    metrics = load('@opentelemetry/sdk-metrics') as Metrics;
    const { resourceFromAttributes } = load('@opentelemetry/resources') as Resources;
    const trace3 = load('@opentelemetry/sdk-trace') as TraceSdk3;
    const { AsyncLocalStorageContextManager } = load('@opentelemetry/context-async-hooks') as ContextAsyncHooks;
    for (const name of ['sdk-metrics', 'sdk-trace', 'resources']) expect(installedVersion(`@opentelemetry/${name}`), name).toMatch(/^3\./);

    // The user's setup: their resource, their reader (with our producer), their tracer provider.
    const resource = resourceFromAttributes({ 'service.name': 'sdk3-bot' });
    class PullReader extends metrics.MetricReader {
      protected onForceFlush(): Promise<void> {
        return Promise.resolve();
      }
      protected onShutdown(): Promise<void> {
        return Promise.resolve();
      }
    }
    const producer = new SeriesProducer();
    reader = new PullReader({ metricProducers: [producer] });
    meterProvider = new metrics.MeterProvider({ resource, readers: [reader] });
    spans = new trace3.InMemorySpanExporter();
    tracerProvider = new trace3.TracerProvider({ resource, spanProcessors: [new trace3.SimpleSpanProcessor({ exporter: spans })] });
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    api.trace.setGlobalTracerProvider(tracerProvider);
    telemetry = createTradingTelemetry({ meterProvider, tracerProvider, seriesProducer: producer });
  });

  afterAll(async () => {
    // Undefined when beforeAll failed.
    await (meterProvider as typeof meterProvider | undefined)?.shutdown();
    await (tracerProvider as typeof tracerProvider | undefined)?.shutdown();
    api.trace.disable();
    api.context.disable();
  });

  it('metrics recorded through bound handles reach the user’s SDK 3 reader through the SeriesProducer', async () => {
    const orders = telemetry.orders.for({ exchange: 'sim', symbol: 'BTC-USD', side: 'buy' });
    orders.placed(3);
    orders.filled();
    orders.stageDuration('acknowledged', 0.004);
    telemetry.portfolio.setPnl({ realized: -12.5, unrealized: 3 });

    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    expect(resourceMetrics.resource.attributes['service.name']).toBe('sdk3-bot');
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const points = (name: string) => all.filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints as { attributes: Record<string, unknown>; value: unknown }[]);
    const placed = points(Instruments.orders.name).find((p) => p.attributes['trading.order.status'] === 'placed');
    expect(placed?.value).toBe(3);
    expect(placed?.attributes).toMatchObject({ 'trading.exchange': 'sim', 'trading.symbol': 'BTC-USD', 'trading.side': 'buy' });
    const ack = points(Instruments.stageDuration.name).find((p) => p.attributes['trading.order.stage'] === 'acknowledged');
    expect(ack?.value).toMatchObject({ count: 1, sum: 0.004 });
    expect(points(Instruments.realizedPnl.name)[0]?.value).toBe(-12.5);
    const metric = all.find((m) => m.descriptor.name === Instruments.orders.name);
    expect(metric?.dataPointType).toBe(metrics.DataPointType.SUM);
    expect(metric?.aggregationTemporality).toBe(metrics.AggregationTemporality.CUMULATIVE);
  });

  it('an order’s lifecycle is one trace in the user’s SDK 3 tracer provider, with stage events and a traced child', async () => {
    const order = telemetry.orders.track({ exchange: 'sim', symbol: 'ETH-USD', side: 'sell', quantity: 1, price: 3000, clientOrderId: 'sdk3-order-1' });
    const send = traced('exchange.send_order', async () => Promise.resolve('ex-1'));
    order.riskChecked();
    const exchangeOrderId = await order.run(() => send());
    order.sent();
    order.acknowledged({ exchangeOrderId });
    order.filled({ price: 2999.5 });
    // SDK 3's SimpleSpanProcessor exports asynchronously.
    await tracerProvider.forceFlush();

    const finished = spans.getFinishedSpans();
    const lifecycle = finished.find((s) => s.name === 'order.lifecycle');
    expect(lifecycle?.attributes).toMatchObject({ 'trading.correlation_id': 'sdk3-order-1', 'trading.order.status': 'filled' });
    expect(lifecycle?.events.map((e) => e.name)).toEqual(['order.risk_checked', 'order.sent', 'order.acknowledged', 'order.filled']);
    const child = finished.find((s) => s.name === 'exchange.send_order');
    expect(child?.spanContext().traceId).toBe(lifecycle?.spanContext().traceId);
    expect(child?.parentSpanContext?.spanId).toBe(lifecycle?.spanContext().spanId);
  });
});
