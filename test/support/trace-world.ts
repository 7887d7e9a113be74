import type { Attributes, HrTime } from '@opentelemetry/api';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, type IdGenerator, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { vi } from 'vitest';
import { createTradingTelemetry, SeriesProducer, type TradingTelemetry } from 'trading-telemetry';
import type { PointExemplar } from '../../src/metrics/exemplar-slots.js';
import { type OrderKeepOption, withKeepDefaults } from '../../src/tracing/keep-policy-options.js';
import { OrderSpanProcessor } from '../../src/tracing/order-span-processor.js';
import { OrderTraceStats } from '../../src/tracing/order-trace-stats.js';
import { buildTradingTelemetry } from '../../src/trading-telemetry.js';
import { registerGlobalSdk } from './global-sdk.js';
import { OnDemandReader } from './metric-collector.js';

/** Ids counting up from 1, so two worlds that do the same things get the same ids. */
export function sequentialIds(): IdGenerator {
  let traces = 0;
  let spans = 0;
  return {
    generateTraceId: () => (++traces).toString(16).padStart(32, '0'),
    generateSpanId: () => (++spans).toString(16).padStart(16, '0'),
  };
}

/** A clock tests move by hand: performance.now() and Date.now() (epoch = 1.7e12 + monotonic), as the order clock reads them. */
export interface HandClock {
  advance(millis: number): void;
}

export function handClock(): HandClock {
  let monotonic = 1_000;
  vi.spyOn(performance, 'now').mockImplementation(() => monotonic);
  vi.spyOn(Date, 'now').mockImplementation(() => 1_700_000_000_000 + Math.floor(monotonic));
  return { advance: (millis) => (monotonic += millis) };
}

/** How a world traces orders: as before tail keeping (an SDK span per order from its start), or tail-kept with a policy. */
export type TracingMode = { readonly eager: true } | { readonly keep: OrderKeepOption };

/** Options of {@link traceWorld}. */
export interface TraceWorldOptions {
  readonly mode: TracingMode;
  readonly ids?: IdGenerator;
  readonly stageSpans?: boolean;
  readonly orderTimeoutMillis?: number;
}

/** A real tracing SDK registered globally, exporting to memory, with the facade tracing orders in `mode`. */
export interface TraceWorld {
  readonly telemetry: TradingTelemetry;
  readonly resource: Resource;
  /** Tail keeping's accounting (zeros in an eager world). */
  readonly stats: OrderTraceStats;
  /** Every span exported so far. */
  spans(): ReadableSpan[];
  /** The exported `order.lifecycle` span of the order with `correlationId`, if exported. */
  lifecycle(correlationId: string): ReadableSpan | undefined;
  /** The facade's metric collection (what a reader exports), its series producer's included. */
  collect(): ReturnType<OnDemandReader['collect']>;
  /** Every metric point, as plain data without timestamps or exemplars: what must not depend on which traces are kept. */
  metricPoints(): Promise<MetricPoint[]>;
  /** The exemplars of every histogram series. */
  exemplars(): Promise<PointExemplar[]>;
  shutdown(): Promise<void>;
}

const RESOURCE = resourceFromAttributes({ 'service.name': 'trace-world' });

export function traceWorld(options: TraceWorldOptions): TraceWorld {
  const exporter = new InMemorySpanExporter();
  const stats = new OrderTraceStats();
  const ids = options.ids ?? sequentialIds();
  const keep = 'keep' in options.mode ? withKeepDefaults(options.mode.keep) : undefined;
  const exporting = new SimpleSpanProcessor(exporter);
  const pipeline = keep === undefined ? undefined : new OrderSpanProcessor(exporting, { resource: RESOURCE, stats, maxHeldSpansPerOrder: keep.maxHeldSpansPerOrder, maxHeldSpans: keep.maxHeldSpans });
  const provider = new BasicTracerProvider({ resource: RESOURCE, idGenerator: ids, spanProcessors: [pipeline ?? exporting] });
  // As startTelemetry sets it up: the facade's instruments export through a series producer, with exemplars.
  const seriesProducer = new SeriesProducer();
  const reader = new OnDemandReader([seriesProducer]);
  const meterProvider = new MeterProvider({ readers: [reader] });
  const unregister = registerGlobalSdk(provider, meterProvider);
  const facadeOptions = {
    tracerProvider: provider,
    meterProvider,
    seriesProducer,
    ...(options.stageSpans === undefined ? {} : { stageSpans: options.stageSpans }),
    ...(options.orderTimeoutMillis === undefined ? {} : { orderTimeoutMillis: options.orderTimeoutMillis }),
  };
  const telemetry =
    keep === undefined || pipeline === undefined ? createTradingTelemetry(facadeOptions) : buildTradingTelemetry(facadeOptions, { keep, pipeline, ids });
  return {
    telemetry,
    resource: RESOURCE,
    stats,
    spans: () => exporter.getFinishedSpans(),
    lifecycle: (correlationId) => exporter.getFinishedSpans().find((s) => s.name === 'order.lifecycle' && s.attributes['trading.correlation_id'] === correlationId),
    collect: () => reader.collect(),
    metricPoints: async () => metricPoints(await reader.collect()),
    exemplars: async () => {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.flatMap((metric) => metric.dataPoints.flatMap((point) => (point as { exemplars?: PointExemplar[] }).exemplars ?? [])));
    },
    async shutdown() {
      telemetry.close();
      await unregister();
    },
  };
}

/** One metric point, without its timestamps or exemplars. */
export interface MetricPoint {
  readonly name: string;
  readonly attributes: Attributes;
  readonly value: unknown;
}

function metricPoints({ resourceMetrics }: Awaited<ReturnType<OnDemandReader['collect']>>): MetricPoint[] {
  return resourceMetrics.scopeMetrics.flatMap((scope) =>
    scope.metrics.flatMap((metric) => metric.dataPoints.map((point) => ({ name: metric.descriptor.name, attributes: { ...point.attributes }, value: point.value }))),
  );
}

/** Every field of a finished span that reaches an exporter, as plain data for a field-by-field comparison. */
export interface SpanFields {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState: string | undefined;
  parentSpanId: string | undefined;
  startTime: HrTime;
  endTime: HrTime;
  duration: HrTime;
  status: { code: number; message?: string };
  attributes: Attributes;
  events: { name: string; time: HrTime; attributes: Attributes; droppedAttributesCount: number }[];
  links: number;
  dropped: { attributes: number; events: number; links: number };
  resource: Attributes;
  scope: { name: string; version: string | undefined };
  ended: boolean;
}

export function spanFields(span: ReadableSpan): SpanFields {
  const context = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    traceId: context.traceId,
    spanId: context.spanId,
    traceFlags: context.traceFlags,
    traceState: context.traceState?.serialize(),
    parentSpanId: span.parentSpanContext?.spanId,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: { ...span.status },
    attributes: { ...span.attributes },
    events: span.events.map((e) => ({ name: e.name, time: e.time, attributes: { ...e.attributes }, droppedAttributesCount: e.droppedAttributesCount ?? 0 })),
    links: span.links.length,
    dropped: { attributes: span.droppedAttributesCount, events: span.droppedEventsCount, links: span.droppedLinksCount },
    resource: { ...span.resource.attributes },
    scope: { name: span.instrumentationScope.name, version: span.instrumentationScope.version },
    ended: span.ended,
  };
}
