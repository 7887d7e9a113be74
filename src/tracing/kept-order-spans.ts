import { type Attributes, type SpanContext, SpanKind, type SpanStatus, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { hrTimeDuration, millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { Attr, SCOPE_NAME, SpanAttr } from '../conventions.js';
import { VERSION } from '../version.js';
import { EVENT_LIMIT, type StageLog } from './stage-log.js';
import { STAGE_NAMES } from './stage-names.js';
import { spanContextOf, type TraceIdSource } from './trace-ids.js';

/** The SDK's default event limit per span (OTEL_SPAN_EVENT_COUNT_LIMIT): past it the oldest events go, and are counted. */

const SCOPE = { name: SCOPE_NAME, version: VERSION };
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/** A kept order, as its spans are built from it. */
export interface KeptOrder {
  /** The order span's context, with the tracestate of the keep decision. */
  readonly spanContext: SpanContext;
  /** The span context its children were started under (the one in the order's context). */
  readonly parentOfChildren: SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  readonly correlationId: string;
  readonly stages: StageLog;
  /** The lifecycle span's attributes, final. */
  readonly attributes: Attributes;
  readonly status: SpanStatus;
  /** A child span per stage instead of an event per stage. */
  readonly stageSpans: boolean;
}

/** A finished span from its parts, as the SDK's own ended span reads. */
function readableSpan(name: string, spanContext: SpanContext, parentSpanContext: SpanContext | undefined, startMillis: number, endMillis: number, attributes: Attributes, events: TimedEvent[], droppedEventsCount: number, status: SpanStatus, resource: Resource): ReadableSpan {
  const startTime = millisToHrTime(startMillis);
  const endTime = millisToHrTime(endMillis);
  return {
    name,
    kind: SpanKind.INTERNAL,
    spanContext: () => spanContext,
    ...(parentSpanContext === undefined ? {} : { parentSpanContext }),
    startTime,
    endTime,
    status,
    attributes,
    links: [],
    events,
    duration: hrTimeDuration(startTime, endTime),
    ended: true,
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount,
    droppedLinksCount: 0,
  };
}

/** The lifecycle span's events: a stage event per stage (without stage spans), an out-of-order mark before the stage it concerns. */
function lifecycleEvents({ names, times, details, outOfOrder }: StageLog, stageSpans: boolean): TimedEvent[] {
  const events: TimedEvent[] = [];
  let mark = 0;
  for (let i = 1; i < names.length; i++) {
    const time = millisToHrTime(times[i] as number);
    const stage = names[i] as (typeof names)[number];
    if (outOfOrder !== undefined && outOfOrder[mark]?.index === i) {
      const previous = outOfOrder[mark++]?.previous as string;
      events.push({ name: 'trading.lifecycle.out_of_order', attributes: { [SpanAttr.previousStage]: previous, [Attr.orderStage]: stage }, time, droppedAttributesCount: 0 });
    }
    if (!stageSpans) events.push({ name: STAGE_NAMES[stage], attributes: details[i] ?? {}, time, droppedAttributesCount: 0 });
  }
  return events;
}

/**
 * The spans of a kept order, built at its end as the SDK would have built them had the order
 * been traced all along: the lifecycle span with its true start, stage events at their times
 * (the oldest dropped past 128, and counted, as the SDK does), attributes and status, under
 * the ids its log lines and children already carry; with `stageSpans`, one child span per stage.
 */
export function keptOrderSpans(order: KeptOrder, resource: Resource, ids: TraceIdSource): ReadableSpan[] {
  const { names, times, details } = order.stages;
  const all = lifecycleEvents(order.stages, order.stageSpans);
  const dropped = Math.max(0, all.length - EVENT_LIMIT);
  const events = dropped === 0 ? all : all.slice(dropped);
  const end = times[times.length - 1] as number;
  const spans = [readableSpan('order.lifecycle', order.spanContext, order.parentSpanContext, times[0] as number, end, order.attributes, events, dropped, order.status, resource)];
  if (!order.stageSpans) return spans;
  const { traceId, traceState } = order.spanContext;
  for (let i = 1; i < names.length; i++) {
    const stage = names[i] as (typeof names)[number];
    const spanContext = spanContextOf(traceId, ids.generateSpanId(), TraceFlags.SAMPLED, traceState);
    const attributes = { ...details[i], [Attr.orderStage]: stage, [Attr.correlationId]: order.correlationId };
    spans.push(readableSpan(STAGE_NAMES[stage], spanContext, order.parentOfChildren, times[i - 1] as number, times[i] as number, attributes, [], 0, UNSET, resource));
  }
  return spans;
}
