import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, type Sampler, SimpleSpanProcessor, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTradingTelemetry, SeriesProducer } from 'trading-telemetry';
import { PrometheusText } from '../../src/server/prometheus-text.js';
import { type Ingested, ingest } from '../support/openmetrics-check.js';

/** The facade as startTelemetry builds it (the producer on a Prometheus reader), tracing with `sampler`. */
function world(sampler: Sampler) {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor(spans)] });
  const producer = new SeriesProducer();
  const reader = new PrometheusExporter({ preventServerStart: true, metricProducers: [producer] });
  const telemetry = createTradingTelemetry({ meterProvider: new MeterProvider({ readers: [reader] }), tracerProvider, seriesProducer: producer });
  const text = new PrometheusText();
  return {
    telemetry,
    spans,
    /** What Prometheus reads from /metrics in OpenMetrics. */
    scrape: async (): Promise<Ingested> => ingest(text.openMetrics((await reader.collect()).resourceMetrics), 'openmetrics'),
  };
}

const tick = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis));
const labelOf = (series: string, name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(series)?.[1];

describe('exemplars from order traces', () => {
  it('a sampled order links its duration and every stage’s duration to its lifecycle span, in the buckets they were counted in', async () => {
    const { telemetry, spans, scrape } = world(new AlwaysOnSampler());
    const order = telemetry.orders.track({ exchange: 'sim', symbol: 'BTC-USDT', side: 'buy', quantity: 1, price: 100 });
    order.riskChecked();
    await tick(3);
    order.sent();
    await tick(12);
    order.acknowledged().filled({ price: 100 });
    const span = spans.getFinishedSpans().find((s) => s.name === 'order.lifecycle');
    if (span === undefined) throw new Error('no lifecycle span');
    const { exemplars } = await scrape();

    // Every exemplar is this order's: its trace and its lifecycle span, stamped when it ended.
    expect(new Set(exemplars.map((e) => `${e.labels.trace_id}/${e.labels.span_id}`))).toEqual(new Set([`${span.spanContext().traceId}/${span.spanContext().spanId}`]));
    const endedAt = Math.round(hrTimeToMilliseconds(span.endTime));
    for (const e of exemplars) expect(Math.abs((e.timestampMillis ?? 0) - endedAt)).toBeLessThanOrEqual(1);

    const duration = exemplars.filter((e) => e.series.includes('__name__="trading_order_duration_bucket"'));
    expect(duration.map((e) => labelOf(e.series, 'trading_order_status'))).toEqual(['filled']);
    const spanSeconds = (hrTimeToMilliseconds(span.endTime) - hrTimeToMilliseconds(span.startTime)) / 1000;
    expect(Number(duration[0]?.value)).toBeCloseTo(spanSeconds, 5);

    // The stage durations: the time between the span's stage events.
    const events = span.events.map((e) => ({ stage: e.name.replace('order.', ''), at: hrTimeToMilliseconds(e.time) }));
    const stages = exemplars.filter((e) => e.series.includes('__name__="trading_order_stage_duration_bucket"'));
    expect(stages.map((e) => labelOf(e.series, 'trading_order_stage')).sort()).toEqual(['acknowledged', 'filled', 'risk_checked', 'sent']);
    for (const [i, event] of events.entries()) {
      const before = i === 0 ? hrTimeToMilliseconds(span.startTime) : (events[i - 1]?.at ?? 0);
      const exemplar = stages.find((e) => labelOf(e.series, 'trading_order_stage') === event.stage);
      expect(Number(exemplar?.value), event.stage).toBeCloseTo((event.at - before) / 1000, 5);
    }
  });

  it('an order whose trace is not sampled leaves no exemplar, and is still counted', async () => {
    const { telemetry, scrape } = world(new AlwaysOffSampler());
    telemetry.orders.track({ exchange: 'sim', symbol: 'BTC-USDT', side: 'buy', quantity: 1 }).sent().acknowledged().filled();
    const scraped = await scrape();
    expect(scraped.exemplars).toEqual([]);
    expect(scraped.samples).toContainEqual({ series: expect.stringContaining('__name__="trading_order_duration_count"') as string, value: '1' });
  });

  it('under a ratio sampler, every exemplar belongs to a sampled order, and sampled orders do leave them', async () => {
    const { telemetry, spans, scrape } = world(new TraceIdRatioBasedSampler(0.5));
    for (let i = 0; i < 60; i++) {
      const order = telemetry.orders.track({ exchange: 'sim', symbol: 'BTC-USDT', side: 'sell', quantity: 1 }).sent().acknowledged();
      if (i % 4 === 0) order.cancelled();
      else order.filled();
    }
    const sampled = new Set(spans.getFinishedSpans().map((s) => s.spanContext().traceId));
    expect(sampled.size).toBeGreaterThan(0);
    expect(sampled.size).toBeLessThan(60);
    const { exemplars } = await scrape();
    expect(exemplars.length).toBeGreaterThan(0);
    for (const e of exemplars) expect(sampled, e.series).toContain(e.labels.trace_id);
  });

  it('the bound handles keep none: a duration recorded by hand, or under a refused key, is counted only', async () => {
    const { telemetry, scrape } = world(new AlwaysOnSampler());
    telemetry.orders.for({ exchange: 'sim', symbol: 'ETH-USDT', side: 'buy' }).orderDuration('filled', 0.2);
    telemetry.orders.track({ exchange: '', symbol: 'ETH-USDT', side: 'buy', quantity: 1 }).sent().acknowledged().filled();
    expect((await scrape()).exemplars).toEqual([]);
  });
});
