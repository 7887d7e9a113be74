import { SpanStatusCode, trace } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Attr, type OrderIntent, SpanAttr, traced } from 'trading-telemetry';
import { type TracingHarness, tracingHarness } from '../support/tracing-harness.js';

const intent: OrderIntent = {
  exchange: 'binance',
  symbol: 'BTC-USDT',
  side: 'buy',
  quantity: 2,
  price: 50_000,
  clientOrderId: 'cl-42',
};

describe('order lifecycle tracing', () => {
  let h: TracingHarness;
  afterEach(async () => {
    vi.useRealTimers();
    await h.shutdown();
  });

  /** The order the first two tests trace: risk check, a traced exchange call, ack, a partial and a full fill. */
  async function tradeOneOrder(): Promise<void> {
    const order = h.telemetry.orders.track(intent);
    const placeOrder = traced('exchange.place', async () => Promise.resolve('ex-9'));
    order.riskChecked();
    const exchangeOrderId = await order.run(() => placeOrder());
    order.sent();
    order.acknowledged({ exchangeOrderId });
    order.partiallyFilled({ quantity: 0.5, price: 50_010 });
    order.filled({ price: 50_020 });
  }

  function expectLifecycleAttributes(lifecycle: ReadableSpan): void {
    expect(lifecycle.attributes).toMatchObject({
      [Attr.correlationId]: 'cl-42',
      [Attr.exchange]: 'binance',
      [Attr.symbol]: 'BTC-USDT',
      [Attr.side]: 'buy',
      [SpanAttr.quantity]: 2,
      [SpanAttr.price]: 50_000,
      [SpanAttr.exchangeOrderId]: 'ex-9',
      [Attr.orderStatus]: 'filled',
      [SpanAttr.filledQuantity]: 2,
    });
    expect(lifecycle.attributes[SpanAttr.averageFillPrice]).toBeCloseTo(50_017.5, 6);
    // A traced function run in the order's context is part of the order's trace.
    const place = h.span('exchange.place');
    expect(place.parentSpanContext?.spanId).toBe(lifecycle.spanContext().spanId);
    expect(place.attributes[Attr.correlationId]).toBe('cl-42');
    // Exactly one end per span: every span id is exported once.
    const ids = h.spans().map((s) => s.spanContext().spanId);
    expect(new Set(ids).size).toBe(ids.length);
  }

  const STAGES = ['order.risk_checked', 'order.sent', 'order.acknowledged', 'order.partially_filled', 'order.filled'];

  it('one lifecycle span with an event per stage, at the times the order summary reports', async () => {
    h = tracingHarness();
    await tradeOneOrder();

    const lifecycle = h.span('order.lifecycle');
    expectLifecycleAttributes(lifecycle);
    expect(h.spans().map((s) => s.name).sort()).toEqual(['exchange.place', 'order.lifecycle']);
    expect(lifecycle.events.map((e) => e.name)).toEqual(STAGES);
    const stages = h.telemetry.orders.find('cl-42')?.stages.slice(1) ?? [];
    lifecycle.events.forEach((event, i) => expect(hrTimeToMilliseconds(event.time), event.name).toBeCloseTo(stages[i]?.at ?? Number.NaN, 3));
    const event = (name: string) => lifecycle.events.find((e) => e.name === name)?.attributes ?? {};
    expect(event('order.acknowledged')[SpanAttr.exchangeOrderId]).toBe('ex-9');
    expect(event('order.partially_filled')[SpanAttr.fillQuantity]).toBe(0.5);
    expect(event('order.filled')[SpanAttr.fillQuantity]).toBe(1.5);
    expect(event('order.filled')[SpanAttr.slippageBps]).toBeCloseTo(4, 6); // paid 20 over 50000 on a buy: 4 bp adverse
  });

  it('a finished order keeps its ids but lets go of the ended span, which belongs to the exporter now', async () => {
    h = tracingHarness();
    const order = h.telemetry.orders.track(intent);
    expect(trace.getSpan(order.context)?.isRecording()).toBe(true);
    order.sent().acknowledged().filled();
    const held = trace.getSpan(order.context);
    expect(held?.isRecording()).toBe(false);
    expect(held?.spanContext()).toEqual(h.span('order.lifecycle').spanContext());
    // Code run in the finished order's context still belongs to its trace.
    await order.run(() => traced('after.fill', async () => Promise.resolve())());
    expect(h.span('after.fill').parentSpanContext?.spanId).toBe(h.span('order.lifecycle').spanContext().spanId);
    expect(h.span('after.fill').attributes[Attr.correlationId]).toBe('cl-42');
  });

  it('with stageSpans, a child span per stage instead, each carrying the correlation id', async () => {
    h = tracingHarness({ stageSpans: true });
    await tradeOneOrder();

    const lifecycle = h.span('order.lifecycle');
    expectLifecycleAttributes(lifecycle);
    expect(lifecycle.events).toEqual([]);
    for (const name of STAGES) {
      const stage = h.span(name);
      expect(stage.parentSpanContext?.spanId, name).toBe(lifecycle.spanContext().spanId);
      expect(stage.spanContext().traceId).toBe(lifecycle.spanContext().traceId);
      expect(stage.attributes[Attr.correlationId], name).toBe('cl-42');
      expect(stage.attributes[Attr.orderStage], name).toBe(name.slice('order.'.length));
    }
    expect(h.span('order.acknowledged').attributes[SpanAttr.exchangeOrderId]).toBe('ex-9');
    const fill = h.span('order.filled');
    expect(fill.attributes[SpanAttr.fillQuantity]).toBe(1.5);
    expect(fill.attributes[SpanAttr.slippageBps]).toBeCloseTo(4, 6);
    expect(h.spans()).toHaveLength(7);
  });

  it('takes a numeric client order id as the correlation id, and generates one for an empty or non-id value', () => {
    h = tracingHarness();
    const numeric = h.telemetry.orders.track({ ...intent, clientOrderId: 123456789 as unknown as string });
    expect(numeric.correlationId).toBe('123456789');
    expect(h.telemetry.orders.find('123456789')?.correlationId).toBe('123456789');
    for (const odd of ['', null, {}, Number.NaN]) {
      expect(h.telemetry.orders.track({ ...intent, clientOrderId: odd as unknown as string }).correlationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    }
  });

  it('feeds the stage histogram and the order counters, and names the dominant stage', () => {
    let now = 1_000;
    h = tracingHarness();
    // Control time through the order's clock: ack is the slow stage.
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const order = h.telemetry.orders.track({ ...intent, clientOrderId: 'cl-1' });
    now += 1;
    order.sent();
    now += 40;
    order.acknowledged();
    now += 5;
    order.filled({ price: 50_000 });
    const totals = h.telemetry.orders.totals();
    expect(totals).toMatchObject({ placed: 1, filled: 1, active: 0 });
    const report = h.telemetry.orders.stageReport();
    expect(report.dominant).toBe('acknowledged');
    expect(report.stages.map((s) => s.stage)).toEqual(['sent', 'acknowledged', 'filled']);
    expect(report.stages.find((s) => s.stage === 'acknowledged')?.mean).toBeCloseTo(0.04, 9);
    expect(h.telemetry.snapshot().latency?.mean).toBeCloseTo(0.046, 9);
    const summary = h.telemetry.orders.find('cl-1');
    expect(summary?.slowestStage).toBe('acknowledged');
    expect(summary?.stages.map((s) => [s.stage, s.durationMs])).toEqual([
      ['created', 0],
      ['sent', 1],
      ['acknowledged', 40],
      ['filled', 5],
    ]);
  });

  it('a rejection ends the lifecycle with ERROR and the reason, and counts it', () => {
    h = tracingHarness();
    h.telemetry.orders.track(intent).rejected('insufficient_balance', 'balance 10 USDT, need 100000');
    const lifecycle = h.span('order.lifecycle');
    expect(lifecycle.status).toEqual({ code: SpanStatusCode.ERROR, message: 'balance 10 USDT, need 100000' });
    expect(lifecycle.attributes[Attr.rejectReason]).toBe('insufficient_balance');
    expect(h.telemetry.orders.totals()).toMatchObject({ placed: 1, rejected: 1, active: 0 });
  });

  it('a fill arriving on a callback outside any context joins the order by correlation id', async () => {
    h = tracingHarness();
    const order = h.telemetry.orders.track(intent);
    order.sent();
    order.acknowledged();
    // As a WebSocket execution report would: a later macrotask with no active context.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        h.telemetry.orders.update('cl-42', { stage: 'filled', quantity: 2, price: 49_990 });
        resolve();
      }),
    );
    expect(order.done).toBe(true);
    const filled = h.span('order.lifecycle').events.find((e) => e.name === 'order.filled');
    expect(filled?.attributes?.[SpanAttr.slippageBps]).toBeCloseTo(-2, 6); // price improvement
  });

  it('counts and never throws on misuse: twice finished, unknown order, missing id, out of order', async () => {
    h = tracingHarness();
    const order = h.telemetry.orders.track(intent);
    order.filled(); // before sent/ack: out of order, still recorded
    order.cancelled(); // finished twice
    h.telemetry.orders.update('nope', { stage: 'filled' });
    h.telemetry.orders.update(undefined, { stage: 'cancelled' });
    h.telemetry.orders.update('', { stage: 'cancelled' });
    const outOfOrder = h.span('order.lifecycle').events.find((e) => e.name === 'trading.lifecycle.out_of_order');
    expect(outOfOrder?.attributes).toEqual({ [SpanAttr.previousStage]: 'created', [Attr.orderStage]: 'filled' });
    expect(h.telemetry.orders.totals()).toMatchObject({ placed: 1, filled: 1, cancelled: 0 });
    const errors = await lifecycleErrors(h);
    expect(errors).toEqual({ out_of_order: 1, double_finish: 1, unknown_order: 1, missing_correlation_id: 2 });
  });

  it('ends lifecycles nobody finishes after the timeout, with ERROR "timed out", leaking nothing', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance', 'Date'] });
    h = tracingHarness({ orderTimeoutMillis: 60_000 });
    const order = h.telemetry.orders.track(intent);
    order.sent();
    vi.advanceTimersByTime(59_000);
    expect(order.done).toBe(false);
    vi.advanceTimersByTime(20_000);
    expect(order.done).toBe(true);
    expect(h.span('order.lifecycle').status).toEqual({ code: SpanStatusCode.ERROR, message: 'timed out' });
    expect(h.telemetry.orders.open()).toEqual([]);
    expect(h.telemetry.orders.totals()).toMatchObject({ placed: 1, expired: 1, active: 0 });
    expect((await lifecycleErrors(h)).timed_out).toBe(1);
  });

  it('bounds open orders and recent history', async () => {
    h = tracingHarness({ maxOpenOrders: 3, recentOrders: 2 });
    const orders = [1, 2, 3, 4].map((i) => h.telemetry.orders.track({ ...intent, clientOrderId: `c${i}` }));
    expect(h.telemetry.orders.open()).toHaveLength(3);
    expect(h.telemetry.orders.get('c4')).toBeUndefined();
    for (const o of orders) o.cancelled();
    expect(h.telemetry.orders.recent().map((o) => o.correlationId)).toEqual(['c4', 'c3']);
    expect((await lifecycleErrors(h)).registry_full).toBe(1);
    // The ring keeps the newest as it wraps; older ones can no longer be found.
    for (const i of [5, 6, 7]) h.telemetry.orders.track({ ...intent, clientOrderId: `c${i}` }).filled();
    expect(h.telemetry.orders.recent().map((o) => o.correlationId)).toEqual(['c7', 'c6']);
    expect(h.telemetry.orders.recent(1).map((o) => o.correlationId)).toEqual(['c7']);
    expect(h.telemetry.orders.find('c6')?.stage).toBe('filled');
    expect(h.telemetry.orders.find('c5')).toBeUndefined();
  });

  it('traces the intent as it was when tracked, whatever the caller does to the object later', () => {
    h = tracingHarness();
    const mine = { ...intent, clientOrderId: 'cl-7', quantity: 2 };
    const order = h.telemetry.orders.track(mine);
    mine.quantity = 99;
    mine.price = 1;
    order.filled({ price: 50_000 });
    expect(h.telemetry.orders.find('cl-7')).toMatchObject({ quantity: 2, price: 50_000, filledQuantity: 2 });
    expect(h.span('order.lifecycle').attributes[SpanAttr.quantity]).toBe(2);
  });

  it('caps a long client order id: carried bounded and stable, found again by the full id, counted as refused', async () => {
    h = tracingHarness();
    const long = `cl-${'x'.repeat(100_000)}`;
    const order = h.telemetry.orders.track({ ...intent, clientOrderId: long });
    expect(order.correlationId.length).toBeLessThanOrEqual(128);
    expect(order.correlationId.startsWith('cl-xxx')).toBe(true);
    const twin = h.telemetry.orders.track({ ...intent, clientOrderId: `${long}y` });
    expect(twin.correlationId).not.toBe(order.correlationId); // same prefix, different ids
    h.telemetry.orders.update(long, { stage: 'cancelled' });
    expect(order.done).toBe(true);
    expect(h.telemetry.orders.find(long)?.correlationId).toBe(order.correlationId);
    twin.cancelled();
    const attributes = h.spans().map((s) => String(s.attributes[Attr.correlationId]));
    expect(Math.max(...attributes.map((a) => a.length))).toBeLessThanOrEqual(128);
    const refused = await h.rejected('trading.correlation_id', 'too_long');
    expect(refused).toBe(2);
  });

  it('generates a sortable UUIDv7 correlation id when there is no client order id', () => {
    h = tracingHarness();
    const anonymous: OrderIntent = { exchange: intent.exchange, symbol: intent.symbol, side: intent.side, quantity: 1 };
    const a = h.telemetry.orders.track(anonymous);
    const b = h.telemetry.orders.track(anonymous);
    expect(a.correlationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.correlationId).not.toBe(b.correlationId);
    expect(a.correlationId.slice(0, 8) <= b.correlationId.slice(0, 8)).toBe(true);
  });
});

function lifecycleErrors(h: TracingHarness): Promise<Record<string, number>> {
  return h.lifecycleErrors();
}
