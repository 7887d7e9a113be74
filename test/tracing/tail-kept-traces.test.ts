import { Writable } from 'node:stream';
import { context, propagation, ROOT_CONTEXT, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type OrderTrace, SpanAttr, type TradingTelemetry, withSpan } from 'trading-telemetry';
import type { OrderKeepOption } from '../../src/tracing/keep-policy-options.js';
import { handClock, type HandClock, type MetricPoint, sequentialIds, spanFields, type SpanFields, type TraceWorld, traceWorld, type TracingMode } from '../support/trace-world.js';

const INTENT = { exchange: 'binance', symbol: 'BTC-USDT', side: 'buy', quantity: 1, price: 50_000 } as const;

/** No slow rule, no random share, no low-rate rule: only eventful orders are kept. */
const CAUSE_ONLY: OrderKeepOption = { slow: [], random: 0, keepAllBelowPerSecond: 0 };

type Ending = 'filled' | 'cancelled' | 'rejected' | 'expired';

/** One whole order on the hand clock: risk check, an exchange call inside it, ack, a partial fill with a fee, then `ending`. */
function trade(telemetry: TradingTelemetry, clock: HandClock, id: string, ending: Ending): OrderTrace {
  const order = telemetry.orders.track({ ...INTENT, clientOrderId: id });
  clock.advance(1);
  order.riskChecked();
  order.run(() => withSpan('exchange.place', () => clock.advance(3)));
  order.sent();
  clock.advance(5);
  order.acknowledged({ exchangeOrderId: `ex-${id}` });
  clock.advance(1);
  order.partiallyFilled({ quantity: 0.5, price: 50_010, fee: { cost: 0.02, currency: 'USDT' } });
  clock.advance(4);
  if (ending === 'filled') order.filled({ price: 50_020 });
  else if (ending === 'cancelled') order.cancelled();
  else if (ending === 'rejected') order.rejected('insufficient_balance', 'balance 10 USDT, need 100000');
  else order.expired();
  return order;
}

/** The spans a scenario exports, run in a world of `mode` on a fresh hand clock and fresh sequential ids. */
async function exported(mode: TracingMode, scenario: (world: TraceWorld, clock: HandClock) => void, stageSpans = false): Promise<{ spans: SpanFields[]; world: TraceWorld }> {
  vi.restoreAllMocks();
  const clock = handClock();
  const world = traceWorld({ mode, ids: sequentialIds(), stageSpans });
  scenario(world, clock);
  const spans = world.spans().map(spanFields);
  await world.shutdown();
  vi.restoreAllMocks();
  return { spans, world };
}

/** What full tracing exported, as tail keeping exports it for a span kept `keptBy`: the same but the reason and the tracestate. */
function asKept(reference: SpanFields, keptBy: string | undefined, traceState: string | undefined): SpanFields {
  const attributes = keptBy === undefined ? reference.attributes : { ...reference.attributes, [SpanAttr.keptBy]: keptBy };
  return { ...reference, attributes, traceState };
}

const th0 = (traceId: string): string => `ot=th:0;rv:${traceId.slice(18)}`;

describe('tail-kept order traces', () => {
  afterEach(() => vi.restoreAllMocks());

  it('an order of 300 partial fills, kept, is exported as full tracing exports it: its last 128 stage events, each with its fill', async () => {
    const scenario = (world: TraceWorld, clock: HandClock): void => {
      const order = world.telemetry.orders.track({ ...INTENT, quantity: 300, clientOrderId: 'twap-1' });
      order.sent();
      clock.advance(2);
      order.acknowledged({ exchangeOrderId: 'ex-twap-1' });
      for (let i = 1; i <= 300; i++) {
        clock.advance(1);
        order.partiallyFilled({ quantity: 1, price: 50_000 + i });
      }
      order.rejected('other', 'the rest refused'); // kept for cause
    };
    const full = await exported({ eager: true }, scenario);
    const tail = await exported({ keep: CAUSE_ONLY }, scenario);
    const lifecycle = (spans: SpanFields[]): SpanFields | undefined => spans.find((span) => span.name === 'order.lifecycle');
    const reference = lifecycle(full.spans);
    expect(reference?.events).toHaveLength(128);
    expect(lifecycle(tail.spans)).toEqual(reference && asKept(reference, 'cause', th0(reference.traceId)));
  });

  it('a rejected order is kept for cause: its spans are the ones full tracing exports, field by field, with th:0', async () => {
    const scenario = (world: TraceWorld, clock: HandClock): void => void trade(world.telemetry, clock, 'cl-1', 'rejected');
    const full = await exported({ eager: true }, scenario);
    const tail = await exported({ keep: CAUSE_ONLY }, scenario);
    const [place, lifecycle] = full.spans;
    if (place === undefined || lifecycle === undefined) throw new Error('full tracing exported no spans');
    expect(lifecycle.name).toBe('order.lifecycle');
    expect(lifecycle.status).toEqual({ code: SpanStatusCode.ERROR, message: 'balance 10 USDT, need 100000' });
    expect(lifecycle.events.map((e) => e.name)).toEqual(['order.risk_checked', 'order.sent', 'order.acknowledged', 'order.partially_filled', 'order.rejected']);
    const traceState = th0(lifecycle.traceId);
    // The child ended before the decision: held, then released after the order's span, carrying its tracestate.
    expect(tail.spans).toEqual([asKept(lifecycle, 'cause', traceState), asKept(place, undefined, traceState)]);
    expect(tail.world.stats.kept.cause).toBe(1);
    expect(tail.world.stats.childSpans).toEqual({ released: 1, discarded: 0, overflow: 0 });
    expect(tail.world.stats.held).toBe(0);
  });

  it('expired, timed out, out of order, or a failed span inside: each kept for cause', async () => {
    const expired = await exported({ keep: CAUSE_ONLY }, (w, clock) => void trade(w.telemetry, clock, 'cl-e', 'expired'));
    expect(expired.spans.find((s) => s.name === 'order.lifecycle')?.attributes[SpanAttr.keptBy]).toBe('cause');

    const outOfOrder = async (mode: TracingMode): Promise<SpanFields[]> =>
      (await exported(mode, (w, clock) => {
        const order = w.telemetry.orders.track({ ...INTENT, clientOrderId: 'cl-o' });
        clock.advance(2);
        order.filled(); // before it was sent or acknowledged
      })).spans;
    const [reference] = await outOfOrder({ eager: true });
    if (reference === undefined) throw new Error('no reference');
    expect(reference.events.map((e) => e.name)).toEqual(['trading.lifecycle.out_of_order', 'order.filled']);
    expect(await outOfOrder({ keep: CAUSE_ONLY })).toEqual([asKept(reference, 'cause', th0(reference.traceId))]);

    const failing = await exported({ keep: CAUSE_ONLY }, (w, clock) => {
      const order = w.telemetry.orders.track({ ...INTENT, clientOrderId: 'cl-f' });
      order.run(() => {
        try {
          withSpan('exchange.place', () => {
            throw new Error('ECONNRESET');
          });
        } catch {
          // retried below
        }
        withSpan('exchange.place', () => clock.advance(2));
      });
      order.sent().acknowledged().filled();
    });
    expect(failing.spans.map((s) => [s.name, s.attributes[SpanAttr.keptBy]])).toEqual([['order.lifecycle', 'cause'], ['exchange.place', undefined], ['exchange.place', undefined]]);
  });

  it('an order nobody finishes is kept when it times out', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance', 'Date'] });
    const world = traceWorld({ mode: { keep: CAUSE_ONLY }, orderTimeoutMillis: 60_000 });
    try {
      world.telemetry.orders.track({ ...INTENT, clientOrderId: 'cl-t' }).sent();
      vi.advanceTimersByTime(80_000);
      const lifecycle = world.lifecycle('cl-t');
      expect(lifecycle?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'timed out' });
      expect(lifecycle?.attributes[SpanAttr.keptBy]).toBe('cause');
    } finally {
      await world.shutdown();
      vi.useRealTimers();
    }
  });

  it('a routine order is not kept: no span, its children discarded, yet its log lines and summary carry the ids it would have had', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const log = createLogger({ destination, env: {} });
    const tail = await exported({ keep: CAUSE_ONLY }, (w, clock) => {
      const order = trade(w.telemetry, clock, 'cl-2', 'filled');
      order.run(() => log.info('order filled'));
      const summary = w.telemetry.orders.find('cl-2');
      expect(summary).toMatchObject({ stage: 'filled', traceKept: false, filledQuantity: 1 });
      expect(summary?.stages.map((s) => s.stage)).toEqual(['created', 'risk_checked', 'sent', 'acknowledged', 'partially_filled', 'filled']);
      expect(lines[0]).toMatchObject({ trace_id: summary?.traceId, span_id: summary?.spanId, trace_flags: '01', correlation_id: 'cl-2' });
    });
    expect(tail.spans).toEqual([]);
    expect(tail.world.stats.unkept.sampled_out).toBe(1);
    expect(tail.world.stats.childSpans).toEqual({ released: 0, discarded: 1, overflow: 0 });
    // The full-tracing run gives the lifecycle span the ids the summary reported.
    const full = await exported({ eager: true }, (w, clock) => void trade(w.telemetry, clock, 'cl-2', 'filled'));
    expect(full.spans.find((s) => s.name === 'order.lifecycle')).toMatchObject({ traceId: '00000000000000000000000000000001', spanId: '0000000000000001' });
  });

  it('keep: "all" exports every order as full tracing does, stage spans included', async () => {
    for (const stageSpans of [false, true]) {
      const scenario = (w: TraceWorld, clock: HandClock): void => {
        trade(w.telemetry, clock, 'cl-a', 'filled');
        trade(w.telemetry, clock, 'cl-b', 'cancelled');
      };
      const full = await exported({ eager: true }, scenario, stageSpans);
      const tail = await exported({ keep: 'all' }, scenario, stageSpans);
      const key = (s: SpanFields): string => `${s.traceId}/${s.name}/${s.startTime.join('.')}`;
      const expected = full.spans.map((s) => {
        const kept = asKept(s, s.name === 'order.lifecycle' ? 'all' : undefined, th0(s.traceId));
        // Stage spans of a tail-kept order get their ids when it ends, so the child's differs too; what they hang from is the same.
        return s.name === 'order.lifecycle' ? kept : { ...kept, spanId: expect.any(String) as string };
      });
      expect([...tail.spans].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...expected].sort((a, b) => key(a).localeCompare(key(b))));
      expect(tail.spans).toHaveLength(stageSpans ? 2 * 7 : 4);
    }
  });

  it('slow: a fixed limit on the whole order or on one stage', async () => {
    const keep: OrderKeepOption = { ...CAUSE_ONLY, slow: [{ seconds: 0.012 }, { seconds: 0.004, stage: 'acknowledged' }] };
    const tail = await exported({ keep }, (w, clock) => {
      trade(w.telemetry, clock, 'whole-14ms', 'filled'); // 14 ms in all, acknowledged after 5 ms
      const quick = w.telemetry.orders.track({ ...INTENT, clientOrderId: 'quick' });
      quick.sent();
      clock.advance(3);
      quick.acknowledged().filled();
      const slowAck = w.telemetry.orders.track({ ...INTENT, clientOrderId: 'slow-ack' });
      slowAck.sent();
      clock.advance(4.5);
      slowAck.acknowledged().filled();
    });
    const kept = tail.spans.filter((s) => s.name === 'order.lifecycle').map((s) => [s.attributes['trading.correlation_id'], s.attributes[SpanAttr.keptBy]]);
    expect(kept).toEqual([['whole-14ms', 'slow'], ['slow-ack', 'slow']]);
  });

  it('slow: slower than the live p99 of the recent orders, once the window holds enough of them', async () => {
    const keep: OrderKeepOption = { ...CAUSE_ONLY, slow: [{ quantile: 0.99, stage: 'acknowledged', minOrders: 200 }] };
    const tail = await exported({ keep }, (w, clock) => {
      const order = (id: string, ackMillis: number): void => {
        const o = w.telemetry.orders.track({ ...INTENT, clientOrderId: id });
        o.sent();
        clock.advance(ackMillis);
        o.acknowledged().filled();
        clock.advance(10); // the p99 is read at most once a second: orders 10 ms apart
      };
      order('early-slow', 500); // in the warm-up: nothing is slow yet
      for (let i = 0; i < 400; i++) order(`routine-${i}`, 2 + (i % 10) * 0.1);
      order('late-slow', 500);
      order('routine-again', 2);
    });
    const kept = tail.spans.filter((s) => s.name === 'order.lifecycle').map((s) => s.attributes['trading.correlation_id']);
    expect(kept).toEqual(['late-slow']);
  });

  it('low rate: while fewer than keepAllBelowPerSecond orders end a second, every order is kept', async () => {
    const keep: OrderKeepOption = { ...CAUSE_ONLY, keepAllBelowPerSecond: 1 };
    const tail = await exported({ keep }, (w, clock) => {
      for (let i = 0; i < 5; i++) {
        trade(w.telemetry, clock, `calm-${i}`, 'filled');
        clock.advance(2_000);
      }
      // A burst: 1 a second over the minute is reached, and routine orders are no longer kept.
      for (let i = 0; i < 100; i++) trade(w.telemetry, clock, `busy-${i}`, 'filled');
    });
    const kept = tail.spans.filter((s) => s.name === 'order.lifecycle');
    const ids = kept.map((s) => s.attributes['trading.correlation_id']);
    // The calm ones, then the first few of the burst (the rate is over the last minute), then none.
    expect(ids.slice(0, 5)).toEqual(['calm-0', 'calm-1', 'calm-2', 'calm-3', 'calm-4']);
    expect(ids.slice(5)).toEqual(Array.from({ length: ids.length - 5 }, (_, i) => `busy-${i}`));
    expect(ids.length).toBeLessThan(20);
    expect(kept.every((s) => s.attributes[SpanAttr.keptBy] === 'low_rate' && s.traceState === th0(s.traceId))).toBe(true);
    expect(tail.world.stats.kept.low_rate + tail.world.stats.unkept.sampled_out).toBe(105);
  });

  it('random: a consistent share by trace id, each kept span carrying the threshold in tracestate', async () => {
    // Randomness is the trace id's last 14 hex digits; at 25% the threshold is c0000000000000.
    const traceIds = ['d00000000000ff', 'bfffffffffffff', 'c0000000000000'].map((randomness) => `${'0'.repeat(17)}1${randomness}`);
    let next = 0;
    const ids = { ...sequentialIds(), generateTraceId: () => traceIds[next++] ?? 'f'.repeat(32) };
    vi.restoreAllMocks();
    const clock = handClock();
    const world = traceWorld({ mode: { keep: { ...CAUSE_ONLY, random: 0.25 } }, ids });
    try {
      for (const id of ['above', 'below', 'at']) trade(world.telemetry, clock, id, 'filled');
      const kept = world.spans().filter((s) => s.name === 'order.lifecycle').map(spanFields);
      expect(kept.map((s) => [s.attributes['trading.correlation_id'], s.attributes[SpanAttr.keptBy], s.traceState])).toEqual([
        ['above', 'random', 'ot=th:c;rv:d00000000000ff'],
        ['at', 'random', 'ot=th:c;rv:c0000000000000'],
      ]);
    } finally {
      await world.shutdown();
    }
  });
});

/** A context as `extract()` returns it for a remote parent, sampled or not. */
function remoteParent(sampled: boolean, traceState?: string): ReturnType<typeof context.active> {
  const headers: Record<string, string> = { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-${sampled ? '01' : '00'}` };
  if (traceState !== undefined) headers.tracestate = traceState;
  return propagation.extract(ROOT_CONTEXT, headers);
}

describe('tail-kept order traces under a remote parent, and the spans of an order', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a sampled remote parent keeps the order (kept_by parent), its trace id and tracestate passed on as parent-based samplers do', async () => {
    const scenario = (w: TraceWorld, clock: HandClock): void => {
      context.with(remoteParent(true, 'ot=th:8;rv:00112233445566,vendor=x'), () => void trade(w.telemetry, clock, 'cl-p', 'filled'));
    };
    const full = await exported({ eager: true }, scenario);
    const tail = await exported({ keep: CAUSE_ONLY }, scenario);
    expect(full.spans).toHaveLength(2);
    expect(full.spans.every((s) => s.traceId === 'ab'.repeat(16) && s.traceState === 'ot=th:8;rv:00112233445566,vendor=x')).toBe(true);
    expect(full.spans.find((s) => s.name === 'order.lifecycle')?.parentSpanId).toBe('cd'.repeat(8));
    expect(tail.spans).toEqual(full.spans.map((s) => asKept(s, s.name === 'order.lifecycle' ? 'parent' : undefined, s.traceState)));
  });

  it('an unsampled remote parent leaves the order out, even rejected, and its children are not recorded', async () => {
    const tail = await exported({ keep: 'all' }, (w, clock) => {
      context.with(remoteParent(false), () => {
        const order = trade(w.telemetry, clock, 'cl-u', 'rejected');
        expect(trace.getSpanContext(order.context)?.traceFlags).toBe(TraceFlags.NONE);
      });
    });
    expect(tail.spans).toEqual([]);
    expect(tail.world.stats.unkept.parent).toBe(1);
    expect(tail.world.stats.childSpans).toEqual({ released: 0, discarded: 0, overflow: 0 });
  });

  it('spans that end after the decision follow it: released with a kept order, discarded with an unkept one', async () => {
    const tail = await exported({ keep: CAUSE_ONLY }, (w, clock) => {
      for (const [id, ending] of [['late-kept', 'rejected'], ['late-unkept', 'filled']] as const) {
        const order = w.telemetry.orders.track({ ...INTENT, clientOrderId: id });
        order.run(() =>
          withSpan('exchange.call', () => {
            withSpan('http.request', () => clock.advance(1));
            if (ending === 'rejected') order.rejected('invalid_order');
            else order.sent().acknowledged().filled();
          }),
        );
        order.run(() => withSpan('after.end', () => clock.advance(1)));
      }
    });
    expect(tail.spans.map((s) => s.name)).toEqual(['order.lifecycle', 'http.request', 'exchange.call', 'after.end']);
    const ids = new Set(tail.spans.map((s) => s.spanId));
    for (const span of tail.spans) if (span.parentSpanId !== undefined) expect(ids, span.name).toContain(span.parentSpanId);
    expect(tail.world.stats.childSpans).toEqual({ released: 3, discarded: 3, overflow: 0 });
  });

  it('an order inside an undecided order waits for it, and a rejected one makes that one kept', async () => {
    const tail = await exported({ keep: CAUSE_ONLY }, (w) => {
      const outer = w.telemetry.orders.track({ ...INTENT, clientOrderId: 'outer' });
      outer.run(() => w.telemetry.orders.track({ ...INTENT, clientOrderId: 'inner' }).rejected('risk_limit'));
      outer.sent().acknowledged().filled();
      const quiet = w.telemetry.orders.track({ ...INTENT, clientOrderId: 'quiet-outer' });
      quiet.run(() => w.telemetry.orders.track({ ...INTENT, clientOrderId: 'quiet-inner' }).cancelled());
      quiet.cancelled();
    });
    const lifecycles = tail.spans.filter((s) => s.name === 'order.lifecycle');
    expect(lifecycles.map((s) => [s.attributes['trading.correlation_id'], s.attributes[SpanAttr.keptBy]])).toEqual([['outer', 'cause'], ['inner', 'cause']]);
    expect(lifecycles[1]?.parentSpanId).toBe(lifecycles[0]?.spanId);
  });

  it('an order whose children overflow its buffer loses them all, counted, and never an orphan', async () => {
    const keep: OrderKeepOption = { ...CAUSE_ONLY, maxHeldSpansPerOrder: 3, maxHeldSpans: 5 };
    const tail = await exported({ keep }, (w) => {
      const chatty = w.telemetry.orders.track({ ...INTENT, clientOrderId: 'chatty' });
      chatty.run(() => withSpan('parent.call', () => {
        for (let i = 0; i < 4; i++) withSpan('poll', () => undefined);
      }));
      chatty.rejected('other');
      // Two orders of three children each: the global bound of five takes the second one's.
      const first = w.telemetry.orders.track({ ...INTENT, clientOrderId: 'first' });
      const second = w.telemetry.orders.track({ ...INTENT, clientOrderId: 'second' });
      for (const order of [first, second]) order.run(() => [1, 2, 3].forEach(() => withSpan('poll', () => undefined)));
      first.rejected('other');
      second.rejected('other');
    });
    const byOrder = (id: string): string[] => {
      const root = tail.spans.find((s) => s.attributes['trading.correlation_id'] === id && s.name === 'order.lifecycle');
      return tail.spans.filter((s) => s.parentSpanId === root?.spanId).map((s) => s.name);
    };
    expect(byOrder('chatty')).toEqual([]);
    expect(byOrder('first')).toEqual(['poll', 'poll', 'poll']);
    expect(byOrder('second')).toEqual([]);
    expect(tail.spans.filter((s) => s.name === 'order.lifecycle')).toHaveLength(3);
    expect(tail.world.stats.childSpans).toEqual({ released: 3, discarded: 0, overflow: 5 + 3 });
    expect(tail.world.stats.held).toBe(0);
  });

  it('the summary says whose trace was kept, so the dashboard links only those', async () => {
    const tail = await exported({ keep: CAUSE_ONLY }, (w, clock) => {
      trade(w.telemetry, clock, 'kept', 'rejected');
      trade(w.telemetry, clock, 'unkept', 'filled');
    });
    const kept = tail.spans.find((s) => s.name === 'order.lifecycle');
    expect(kept?.attributes['trading.correlation_id']).toBe('kept');
    const summaries = tail.world.telemetry.orders.recent();
    expect(summaries.map((s) => [s.correlationId, s.traceKept])).toEqual([['unkept', false], ['kept', true]]);
  });
});

describe('tail-kept order traces and the metrics', () => {
  afterEach(() => vi.restoreAllMocks());

  it('metrics count every order as full tracing does; exemplars come only from kept orders, so every one finds its trace', async () => {
    const scenario = (w: TraceWorld, clock: HandClock): void => {
      trade(w.telemetry, clock, 'kept', 'rejected');
      trade(w.telemetry, clock, 'unkept', 'filled');
    };
    const measured = async (mode: TracingMode): Promise<{ points: MetricPoint[]; traceIds: string[]; exported: string[] }> => {
      vi.restoreAllMocks();
      const clock = handClock();
      const world = traceWorld({ mode, ids: sequentialIds() });
      try {
        scenario(world, clock);
        const exemplars = await world.exemplars();
        return { points: await world.metricPoints(), traceIds: [...new Set(exemplars.map((e) => e.traceId))], exported: [...new Set(world.spans().map((s) => s.spanContext().traceId))] };
      } finally {
        await world.shutdown();
      }
    };
    const full = await measured({ eager: true });
    const tail = await measured({ keep: CAUSE_ONLY });
    expect(full.points.filter((p) => p.name === 'trading.order.duration')).toHaveLength(2); // filled and rejected
    expect(tail.points).toEqual(full.points);
    expect(full.traceIds).toHaveLength(2);
    // The one kept order's trace: exported, and the only one exemplars link to.
    expect(tail.exported).toHaveLength(1);
    expect(tail.traceIds).toEqual(tail.exported);
  });
});
