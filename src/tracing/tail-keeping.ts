import { type Context, isSpanContextValid, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { DeferredSpan } from './deferred-span.js';
import type { KeepPolicy } from './keep-policy.js';
import { type KeptOrder, keptOrderSpans } from './kept-order-spans.js';
import type { OrderSpanPipeline } from './order-span-processor.js';
import type { StageTimeline } from './slow-rules.js';
import { spanContextOf, type TraceIdSource } from './trace-ids.js';

/**
 * What tail-kept order traces share: the keep policy, the span pipeline startTelemetry built
 * (where kept spans go, and which holds the children of undecided orders), and the id source.
 */
export interface TailKeeping {
  readonly policy: KeepPolicy;
  readonly pipeline: OrderSpanPipeline;
  readonly ids: TraceIdSource;
}

/**
 * The deferred span of an order started in `parent`: the parent's trace (or a new one) and a new
 * span id, sampled unless the parent is not, and the order's fate, decided now when it can be:
 * kept under `keep: 'all'` or a sampled remote parent, dropped under an unsampled parent (as
 * parent-based samplers do). An order inside another order waits for that one's decision too,
 * unless that one was already left out: then it starts a trace of its own.
 */
export function openDeferredSpan(tail: TailKeeping, parent: Context): DeferredSpan {
  const parentSpan = trace.getSpan(parent);
  let owner = parentSpan === undefined ? undefined : tail.pipeline.ownerOf(parentSpan);
  const given = parentSpan?.spanContext();
  const inherited: SpanContext | undefined = given !== undefined && isSpanContextValid(given) && owner?.state !== 'dropped' ? given : undefined;
  if (inherited === undefined) owner = undefined;
  const traceId = inherited?.traceId ?? tail.ids.generateTraceId();
  const spanId = tail.ids.generateSpanId();
  if (inherited !== undefined && (inherited.traceFlags & TraceFlags.SAMPLED) === 0) {
    return new DeferredSpan(spanContextOf(traceId, spanId, TraceFlags.NONE, inherited.traceState), inherited, owner, 'dropped', 'parent');
  }
  const reason = tail.policy.keepsAll ? 'all' : inherited?.isRemote === true ? 'parent' : undefined;
  if (reason === undefined) return new DeferredSpan(spanContextOf(traceId, spanId, TraceFlags.SAMPLED, inherited?.traceState), inherited, owner, 'pending', undefined);
  const traceState = tail.policy.traceStateFor(reason, traceId, inherited?.traceState);
  return new DeferredSpan(spanContextOf(traceId, spanId, TraceFlags.SAMPLED, traceState), inherited, owner, 'kept', reason);
}

/**
 * Decides a pending order at its end (`now`, epoch ms) and counts the decision. Returns whether
 * its trace is kept; a kept one then goes to {@link keepOrderTrace}, which builds its spans.
 */
export function decideOrderTrace(tail: TailKeeping, span: DeferredSpan, timeline: StageTimeline, eventful: boolean, now: number): boolean {
  if (span.state === 'pending') {
    const reason = tail.policy.decide(timeline, eventful || span.eventfulChild, span.spanContext(), now);
    span.reason = reason ?? 'sampled_out';
    span.state = reason === undefined ? 'dropped' : 'kept';
    if (reason !== undefined) span.traceState = tail.policy.traceStateFor(reason, span.spanContext().traceId, span.spanContext().traceState);
  }
  const stats = tail.pipeline.stats;
  if (span.state === 'kept') {
    const reason = span.reason as keyof typeof stats.kept;
    stats.kept[reason]++;
    // An eventful order inside an undecided one makes that one eventful: a rejected child order is never lost with its parent.
    if (reason === 'cause' && span.parent?.state === 'pending') span.parent.eventfulChild = true;
    return true;
  }
  stats.unkept[span.reason as keyof typeof stats.unkept]++;
  tail.pipeline.settle(span, undefined);
  return false;
}

/** Exports a kept order's spans (built from `order`) and releases its held children. */
export function keepOrderTrace(tail: TailKeeping, span: DeferredSpan, order: KeptOrder): void {
  tail.pipeline.settle(span, keptOrderSpans(order, tail.pipeline.resource, tail.ids));
}
