import { type Context, type Span, SpanStatusCode, trace, type TraceState } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, Span as SdkSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { DeferredSpan } from './deferred-span.js';
import type { OrderTraceStats } from './order-trace-stats.js';
import { withTraceState } from './trace-ids.js';

/** What a tail-kept order needs of the span pipeline: where its spans go and how its children learn its fate. */
export interface OrderSpanPipeline {
  /** The resource of every span the pipeline exports (the provider's), for the spans an order builds. */
  readonly resource: Resource;
  readonly stats: OrderTraceStats;
  /** The order `span` belongs to: itself when it is an order's, else the order it was started inside, if any. */
  ownerOf(span: Span): DeferredSpan | undefined;
  /**
   * `order` was decided (its state and tracestate set): kept, its own spans are exported and its
   * held children released; not kept (`kept` undefined), its held children are discarded.
   */
  settle(order: DeferredSpan, kept: readonly ReadableSpan[] | undefined): void;
}

/** Options of {@link OrderSpanProcessor}. */
export interface OrderSpanProcessorOptions {
  readonly resource: Resource;
  readonly stats: OrderTraceStats;
  /** Finished children held for one undecided order; one more and the order loses them all. */
  readonly maxHeldSpansPerOrder: number;
  /** Finished children held for all undecided orders together. */
  readonly maxHeldSpans: number;
}

/** `span` as it is exported with `traceState`: itself when it already carries it, else a view that does. */
function carrying(span: ReadableSpan, traceState: TraceState | undefined): ReadableSpan {
  const spanContext = span.spanContext();
  if (spanContext.traceState === traceState) return span;
  const retagged = withTraceState(spanContext, traceState);
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => retagged,
    ...(span.parentSpanContext === undefined ? {} : { parentSpanContext: span.parentSpanContext }),
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/**
 * The span processor of tail-kept order traces, in front of the export (`next`). A span started
 * inside an order's context, at any depth, belongs to that order: when it ends before the order
 * is decided it is held (bounded per order and in all, overflow counted), and the decision
 * releases it to `next` with the order's spans or discards it. Spans of a decided order pass
 * straight on or are discarded; spans outside orders pass straight on. So no exported span has a
 * parent that was not exported, unless the parent is remote or outside any order.
 */
export class OrderSpanProcessor implements SpanProcessor, OrderSpanPipeline {
  readonly resource: Resource;
  readonly stats: OrderTraceStats;
  readonly #next: SpanProcessor;
  /** Each span started inside an order, to its order. */
  readonly #owners = new WeakMap<object, DeferredSpan>();
  readonly #maxPerOrder: number;
  readonly #maxHeld: number;

  constructor(next: SpanProcessor, options: OrderSpanProcessorOptions) {
    this.#next = next;
    this.resource = options.resource;
    this.stats = options.stats;
    this.#maxPerOrder = options.maxHeldSpansPerOrder;
    this.#maxHeld = options.maxHeldSpans;
  }

  onStart(span: SdkSpan, parentContext: Context): void {
    const parent = trace.getSpan(parentContext);
    const owner = parent === undefined ? undefined : this.ownerOf(parent);
    if (owner !== undefined) this.#owners.set(span, owner);
    this.#next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const owner = this.#owners.get(span);
    if (owner === undefined) this.#next.onEnd(span);
    else this.#route(span, owner);
  }

  ownerOf(span: Span): DeferredSpan | undefined {
    return span instanceof DeferredSpan ? span : this.#owners.get(span);
  }

  settle(order: DeferredSpan, kept: readonly ReadableSpan[] | undefined): void {
    const held = order.held ?? [];
    order.held = undefined;
    this.stats.held -= held.length;
    if (kept === undefined) {
      this.stats.childSpans.discarded += held.length;
      return;
    }
    // An order inside another one is that one's child: its spans wait for the outer decision.
    for (const span of kept) {
      if (order.parent === undefined) this.#next.onEnd(span);
      else this.#route(span, order.parent);
    }
    for (const span of held) this.#route(span, order);
  }

  forceFlush(): Promise<void> {
    return this.#next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#next.shutdown();
  }

  /** Where a finished span of `owner`'s goes: held, discarded, lost, or (through every kept enclosing order) exported. */
  #route(span: ReadableSpan, owner: DeferredSpan): void {
    let exported = span;
    for (let order: DeferredSpan | undefined = owner; order !== undefined; order = order.parent) {
      if (order.state === 'dropped') {
        this.stats.childSpans.discarded++;
        return;
      }
      if (order.truncated) {
        this.stats.childSpans.overflow++;
        return;
      }
      if (order.state === 'pending') {
        if (span.status.code === SpanStatusCode.ERROR) order.eventfulChild = true;
        this.#hold(span, order);
        return;
      }
      exported = carrying(exported, order.traceState);
    }
    this.stats.childSpans.released++;
    this.#next.onEnd(exported);
  }

  /** Holds `span` for `order`, or, past a bound, gives up every child of that order. */
  #hold(span: ReadableSpan, order: DeferredSpan): void {
    const held = (order.held ??= []);
    if (held.length < this.#maxPerOrder && this.stats.held < this.#maxHeld) {
      held.push(span);
      this.stats.held++;
      return;
    }
    this.stats.childSpans.overflow += held.length + 1;
    this.stats.held -= held.length;
    order.held = undefined;
    order.truncated = true;
  }
}
