import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry, type TelemetryHandle, withSpan } from 'trading-telemetry';
import { OtlpReceiver } from '../support/otlp-receiver.js';

const INTENT = { exchange: 'x', symbol: 'BTC-USD', side: 'buy', quantity: 1 } as const;

describe('startTelemetry keeps order traces at their end (orders.keep)', () => {
  let handle: TelemetryHandle | undefined;
  afterEach(async () => {
    await handle?.shutdown();
    handle = undefined;
  });

  it('exports the kept order with its reason and child over OTLP, nothing of the unkept one, and counts both at /metrics', async () => {
    const collector = await OtlpReceiver.start();
    try {
      handle = await startTelemetry({
        serviceName: 'tail',
        server: { port: 0 },
        otlp: { endpoint: collector.url },
        orders: { keep: { slow: [], random: 0, keepAllBelowPerSecond: 0 } },
        runtimeMetrics: false,
        env: {},
      });
      const { orders } = handle.telemetry;
      const routine = orders.track({ ...INTENT, clientOrderId: 'routine' });
      routine.run(() => withSpan('exchange.place', () => undefined));
      routine.sent().acknowledged().filled();
      const refused = orders.track({ ...INTENT, clientOrderId: 'refused' });
      refused.run(() => withSpan('exchange.place', () => undefined));
      refused.rejected('insufficient_balance');
      await handle.forceFlush();

      const lifecycle = collector.spans.find((s) => s.name === 'order.lifecycle');
      expect(collector.spans.map((s) => s.name).sort()).toEqual(['exchange.place', 'order.lifecycle']);
      expect(lifecycle?.attributes).toMatchObject({ 'trading.correlation_id': 'refused', 'trading.trace.kept_by': 'cause', 'trading.order.status': 'rejected' });
      expect(collector.spans.find((s) => s.name === 'exchange.place')?.parentSpanId).toBe(lifecycle?.spanId);
      expect(orders.find('refused')).toMatchObject({ traceKept: true, traceId: lifecycle?.traceId });
      expect(orders.find('routine')).toMatchObject({ traceKept: false });

      const text = await (await fetch(`${handle.url}/metrics`)).text();
      expect(text).toMatch(/^trading_telemetry_order_traces_total\{[^}]*decision="kept",reason="cause"[^}]*\} 1$/m);
      expect(text).toMatch(/^trading_telemetry_order_traces_total\{[^}]*decision="unkept",reason="sampled_out"[^}]*\} 1$/m);
      expect(text).toMatch(/^trading_telemetry_order_traces_total\{[^}]*decision="kept",reason="random"[^}]*\} 0$/m);
      expect(text).toMatch(/^trading_telemetry_order_traces_child_spans_total\{[^}]*outcome="released"[^}]*\} 1$/m);
      expect(text).toMatch(/^trading_telemetry_order_traces_child_spans_total\{[^}]*outcome="discarded"[^}]*\} 1$/m);
      expect(text).toMatch(/^trading_telemetry_order_traces_held_spans(\{[^}]*\})? 0$/m);
      // The order counters count both, as always.
      expect(text).toMatch(/^trading_orders_total\{[^}]*trading_order_status="placed"[^}]*\} 2$/m);
    } finally {
      await collector.close();
    }
  });

  it('sends the sampling threshold in tracestate over OTLP: th:0 for an order kept for cause, the random share\'s for one kept at random, on its children too', async () => {
    const collector = await OtlpReceiver.start();
    try {
      handle = await startTelemetry({ serviceName: 'tail', server: false, otlp: { endpoint: collector.url }, orders: { keep: { slow: [], random: 0.5, keepAllBelowPerSecond: 0 } }, runtimeMetrics: false, env: {} });
      for (let i = 0; i < 40; i++) {
        const order = handle.telemetry.orders.track({ ...INTENT, clientOrderId: `o-${i}` });
        order.run(() => withSpan('exchange.place', () => undefined));
        if (i === 0) order.rejected('other');
        else order.sent().acknowledged().filled();
      }
      await handle.forceFlush();
      const lifecycles = collector.spans.filter((s) => s.name === 'order.lifecycle');
      const byReason = (reason: string) => lifecycles.filter((s) => s.attributes['trading.trace.kept_by'] === reason);
      expect(byReason('cause').map((s) => s.traceState)).toEqual([`ot=th:0;rv:${lifecycles[0]?.traceId.slice(18) ?? ''}`]);
      // At 50% the threshold is 8 (2^55 of 2^56): kept when the randomness, the trace id's last 14 digits, is at least 80000000000000.
      const random = byReason('random');
      expect(random.length).toBeGreaterThan(0);
      expect(random.length).toBeLessThan(39);
      for (const span of random) {
        expect(span.traceState).toBe(`ot=th:8;rv:${span.traceId.slice(18)}`);
        expect(span.traceId.slice(18) >= '80000000000000').toBe(true);
        expect(collector.spans.find((s) => s.parentSpanId === span.spanId)?.traceState).toBe(span.traceState);
      }
    } finally {
      await collector.close();
    }
  });

  it('keeps every order by default while orders are few (keepAllBelowPerSecond: 1), and keeps all with keep: "all"', async () => {
    for (const orders of [{}, { keep: 'all' as const }]) {
      const collector = await OtlpReceiver.start();
      try {
        handle = await startTelemetry({ serviceName: 'tail', server: false, otlp: { endpoint: collector.url }, orders, runtimeMetrics: false, env: {} });
        for (const id of ['a', 'b', 'c']) handle.telemetry.orders.track({ ...INTENT, clientOrderId: id }).sent().acknowledged().filled();
        await handle.forceFlush();
        const kept = collector.spans.filter((s) => s.name === 'order.lifecycle');
        expect(kept.map((s) => s.attributes['trading.correlation_id'])).toEqual(['a', 'b', 'c']);
        expect(new Set(kept.map((s) => s.attributes['trading.trace.kept_by']))).toEqual(new Set(['keep' in orders ? 'all' : 'low_rate']));
      } finally {
        await handle?.shutdown();
        handle = undefined;
        await collector.close();
      }
    }
  });
});
