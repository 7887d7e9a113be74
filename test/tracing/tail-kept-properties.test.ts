import { type Context, context, propagation, ROOT_CONTEXT, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type OrderTrace, SpanAttr, withSpan } from 'trading-telemetry';
import type { ChildSpanOutcome } from '../../src/conventions.js';
import type { OrderKeepOption, SlowOrderRule } from '../../src/tracing/keep-policy-options.js';
import { handClock, type MetricPoint, sequentialIds, spanFields, type SpanFields, type TraceWorld, traceWorld, type TracingMode } from '../support/trace-world.js';

/** What one step does to one order. */
type Action =
  | 'riskChecked'
  | 'sent'
  | 'acknowledged'
  | 'partiallyFilled'
  | 'filled'
  | 'cancelled'
  | 'rejected'
  | 'expired'
  /** A call with a request inside it, both ending now. */
  | 'call'
  /** A call that throws (status ERROR). */
  | 'failingCall'
  /** A span started now and ended by a later `closeChild`, or at the end: it may outlive the order. */
  | 'openChild'
  /** A span started now under the order's newest open span, ended later like it (a parent may end before its child). */
  | 'openGrandchild'
  /** Ends the order's oldest open span. */
  | 'closeChild';

const ACTIONS: readonly Action[] = ['riskChecked', 'sent', 'acknowledged', 'partiallyFilled', 'filled', 'cancelled', 'rejected', 'expired', 'call', 'failingCall', 'openChild', 'openGrandchild', 'closeChild'];
const TERMINAL = new Set<Action>(['filled', 'cancelled', 'rejected', 'expired']);

type Parent = 'none' | 'sampled' | 'unsampled';

interface Step {
  readonly order: number;
  readonly action: Action;
  /** Milliseconds the hand clock moves before the step. */
  readonly advance: number;
}

interface Scenario {
  readonly parents: readonly Parent[];
  readonly steps: readonly Step[];
}

const REMOTE_SPAN_ID = 'cd'.repeat(8);

function remoteParent(sampled: boolean): Context {
  return propagation.extract(ROOT_CONTEXT, { traceparent: `00-${'ab'.repeat(16)}-${REMOTE_SPAN_ID}-${sampled ? '01' : '00'}` });
}

const slowRules: fc.Arbitrary<SlowOrderRule[]> = fc.array(
  fc.oneof(
    fc.record({ seconds: fc.double({ min: 0.001, max: 0.2, noNaN: true }) }),
    fc.record({ seconds: fc.double({ min: 0.001, max: 0.1, noNaN: true }), stage: fc.constantFrom<'sent' | 'acknowledged' | 'filled'>('sent', 'acknowledged', 'filled') }),
    fc.record({ quantile: fc.constantFrom(0.5, 0.9, 0.99), minOrders: fc.integer({ min: 1, max: 5 }) }),
  ),
  { maxLength: 2 },
);

const policies: fc.Arbitrary<OrderKeepOption> = fc.oneof(
  { weight: 1, arbitrary: fc.constant('all' as const) },
  {
    weight: 6,
    arbitrary: fc.record({
      slow: slowRules,
      random: fc.constantFrom(0, 0.01, 0.3, 1),
      keepAllBelowPerSecond: fc.constantFrom(0, 0.5, 50),
      maxHeldSpansPerOrder: fc.integer({ min: 0, max: 6 }),
      maxHeldSpans: fc.integer({ min: 0, max: 12 }),
    }),
  },
);

const scenarios: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 6 }).chain((orders) =>
  fc.record({
    parents: fc.array(fc.constantFrom<Parent>('none', 'none', 'none', 'sampled', 'unsampled'), { minLength: orders, maxLength: orders }),
    steps: fc.array(
      fc.record({ order: fc.integer({ min: 0, max: orders - 1 }), action: fc.constantFrom(...ACTIONS), advance: fc.constantFrom(0, 0.5, 3, 40, 1500) }),
      { maxLength: 40 },
    ),
  }),
);

/** How each order ended (its first terminal stage) and whether its parent was an unsampled remote one. */
interface Outcome {
  readonly ending: Action | undefined;
  readonly unsampledParent: boolean;
}

/** Runs `scenario` in `world`: orders start at their first step, in their parent's context, and every span left open ends at the end. */
function play(world: TraceWorld, scenario: Scenario, advance: (millis: number) => void): Outcome[] {
  const orders: (OrderTrace | undefined)[] = [];
  const open: Span[][] = scenario.parents.map(() => []);
  const endings: (Action | undefined)[] = scenario.parents.map(() => undefined);
  const tracer = trace.getTracer('property');
  for (const { order: i, action, advance: millis } of scenario.steps) {
    advance(millis);
    const parent = scenario.parents[i] ?? 'none';
    const order = (orders[i] ??= context.with(parent === 'none' ? ROOT_CONTEXT : remoteParent(parent === 'sampled'), () =>
      world.telemetry.orders.track({ exchange: 'sim', symbol: 'BTC-USDT', side: 'buy', quantity: 2, price: 100, clientOrderId: `o-${i}` }),
    ));
    if (TERMINAL.has(action)) endings[i] ??= action;
    switch (action) {
      case 'riskChecked':
      case 'sent':
      case 'cancelled':
      case 'expired':
        order[action]();
        break;
      case 'acknowledged':
        order.acknowledged({ exchangeOrderId: `ex-${i}` });
        break;
      case 'partiallyFilled':
        order.partiallyFilled({ quantity: 0.5, price: 101, fee: { cost: 0.01, currency: 'USDT' } });
        break;
      case 'filled':
        order.filled({ price: 99 });
        break;
      case 'rejected':
        order.rejected('insufficient_balance', 'not enough');
        break;
      case 'call':
        order.run(() => withSpan('exchange.call', () => withSpan('http.request', () => advance(1))));
        break;
      case 'failingCall':
        order.run(() => {
          try {
            withSpan('exchange.call', () => {
              throw new Error('ECONNRESET');
            });
          } catch {
            // the bot retries
          }
        });
        break;
      case 'openChild':
        open[i]?.push(tracer.startSpan('stream.subscription', {}, order.context));
        break;
      case 'openGrandchild': {
        const newest = open[i]?.at(-1);
        const under = newest === undefined ? order.context : trace.setSpan(order.context, newest);
        open[i]?.push(tracer.startSpan('stream.message', {}, under));
        break;
      }
      case 'closeChild':
        open[i]?.shift()?.end();
        break;
    }
  }
  for (const spans of open) for (const span of spans) span.end();
  // Every order ends, so every decision is taken: one left open is cancelled.
  for (const [i, order] of orders.entries()) {
    if (order === undefined || order.done) continue;
    order.cancelled();
    endings[i] = 'cancelled';
  }
  return scenario.parents.map((parent, i) => ({ ending: endings[i], unsampledParent: parent === 'unsampled' }));
}

/** What a run leaves: the exported spans field by field, the metrics, the exemplars' traces, and tail keeping's accounting. */
interface Run {
  readonly spans: SpanFields[];
  readonly points: MetricPoint[];
  readonly exemplarTraces: Set<string>;
  readonly outcomes: Outcome[];
  readonly held: number;
  readonly childSpans: Record<ChildSpanOutcome, number>;
}

async function run(mode: TracingMode, scenario: Scenario): Promise<Run> {
  vi.restoreAllMocks();
  const clock = handClock();
  const world = traceWorld({ mode, ids: sequentialIds() });
  try {
    const outcomes = play(world, scenario, (millis) => clock.advance(millis));
    const exemplars = await world.exemplars();
    return {
      spans: world.spans().map(spanFields),
      points: await world.metricPoints(),
      exemplarTraces: new Set(exemplars.map((e) => e.traceId)),
      outcomes,
      held: world.stats.held,
      childSpans: { ...world.stats.childSpans },
    };
  } finally {
    await world.shutdown();
    vi.restoreAllMocks();
  }
}

const lifecycleOf = (spans: SpanFields[], i: number): SpanFields | undefined => spans.find((s) => s.name === 'order.lifecycle' && s.attributes['trading.correlation_id'] === `o-${i}`);

describe('tail-kept order traces, under random policies and random order lifecycles', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keep every rejected order, export no orphan, leave the metrics as full tracing does, and export kept orders as full tracing would', async () => {
    await fc.assert(
      fc.asyncProperty(policies, scenarios, async (keep, scenario) => {
        const full = await run({ eager: true }, scenario);
        const tail = await run({ keep }, scenario);

        // Every rejected (or expired) order is kept, unless a remote parent said not to sample it.
        for (const [i, outcome] of tail.outcomes.entries()) {
          const eventful = outcome.ending === 'rejected' || outcome.ending === 'expired';
          if (eventful && !outcome.unsampledParent) expect(lifecycleOf(tail.spans, i), `order ${i}`).toBeDefined();
          if (outcome.unsampledParent) expect(lifecycleOf(tail.spans, i), `order ${i}`).toBeUndefined();
          if (keep === 'all' && outcome.ending !== undefined && !outcome.unsampledParent) expect(lifecycleOf(tail.spans, i)?.attributes[SpanAttr.keptBy]).toMatch(/^(all|parent)$/);
        }

        // No orphan: every parent is exported too, or remote.
        const exported = new Set(tail.spans.map((s) => s.spanId));
        for (const span of tail.spans) if (span.parentSpanId !== undefined && span.parentSpanId !== REMOTE_SPAN_ID) expect(exported, span.name).toContain(span.parentSpanId);

        // Metrics come from every order, whatever was kept; exemplars only from exported traces.
        expect(tail.points).toEqual(full.points);
        const traces = new Set(tail.spans.map((s) => s.traceId));
        for (const traceId of tail.exemplarTraces) expect(traces).toContain(traceId);

        // A kept order's span is the one full tracing exported, but for why it was kept and the sampling threshold.
        for (const span of tail.spans.filter((s) => s.name === 'order.lifecycle')) {
          const reference = lifecycleOf(full.spans, Number(String(span.attributes['trading.correlation_id']).slice(2)));
          const { [SpanAttr.keptBy]: keptBy, ...attributes } = span.attributes;
          expect(keptBy).toMatch(/^(all|parent|cause|slow|low_rate|random)$/);
          expect({ ...span, attributes, traceState: reference?.traceState }).toEqual(reference);
          if (keptBy !== 'parent') expect(span.traceState).toMatch(/^ot=th:[0-9a-f]+;rv:[0-9a-f]{14}$/);
          if (span.status.code === (SpanStatusCode.ERROR as number)) expect(keptBy).toMatch(/^(all|parent|cause)$/);
        }

        // Every child span of a recorded order is accounted for once everything has ended.
        expect(tail.held).toBe(0);
        const children = full.spans.filter((s) => s.name !== 'order.lifecycle').length;
        expect(tail.childSpans.released + tail.childSpans.discarded + tail.childSpans.overflow).toBe(children);
        expect(tail.spans.filter((s) => s.name !== 'order.lifecycle')).toHaveLength(tail.childSpans.released);
      }),
      { numRuns: 500 },
    );
  });
});
