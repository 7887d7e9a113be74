import type { Span, SpanContext, TraceState } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TraceKeepReason, TraceUnkeptReason } from '../conventions.js';

/** Where a tail-kept order's trace stands: undecided while the order runs, then kept or dropped. */
export type TraceFateState = 'pending' | 'kept' | 'dropped';

/**
 * The span in a tail-kept order's context: non-recording, with the span context the order's
 * span will have if it is kept (so log lines and child spans carry the real ids), and the fate
 * of the order's trace, which the order decides at its end and the span processor reads to
 * hold, release or drop the children. Attributes, events or a status set on it through the
 * OpenTelemetry API are not recorded: the order's span is built from what the order recorded.
 */
export class DeferredSpan implements Span {
  state: TraceFateState;
  /** Why it was decided as it was; undefined while pending. */
  reason: TraceKeepReason | TraceUnkeptReason | undefined;
  /** The tracestate the order's exported spans carry, once kept. */
  traceState: TraceState | undefined;
  /** Finished children waiting for the decision (made on the first). */
  held: ReadableSpan[] | undefined;
  /** Its children overflowed the buffer: none of them is exported. */
  truncated = false;
  /** A span inside the order ended with status ERROR, or an order inside it was kept for cause: the order is eventful. */
  eventfulChild = false;
  /** The span context of the order's parent (remote, or a local span), if any. */
  readonly parentSpanContext: SpanContext | undefined;
  /** The order this one runs inside, whose decision its kept spans wait for too. */
  readonly parent: DeferredSpan | undefined;
  readonly #spanContext: SpanContext;

  /**
   * @param parentSpanContext the order's parent, if it has one
   * @param parent the deferred span of the order this one runs inside, if any
   * @param state `pending`, or decided at the start (kept: `all` or a sampled remote parent; dropped: an unsampled parent)
   */
  constructor(spanContext: SpanContext, parentSpanContext: SpanContext | undefined, parent: DeferredSpan | undefined, state: TraceFateState, reason: TraceKeepReason | TraceUnkeptReason | undefined) {
    this.#spanContext = spanContext;
    this.parentSpanContext = parentSpanContext;
    this.parent = parent;
    this.state = state;
    this.reason = reason;
    this.traceState = spanContext.traceState;
  }

  spanContext(): SpanContext {
    return this.#spanContext;
  }

  setAttribute(): this {
    return this;
  }

  setAttributes(): this {
    return this;
  }

  addEvent(): this {
    return this;
  }

  addLink(): this {
    return this;
  }

  addLinks(): this {
    return this;
  }

  setStatus(): this {
    return this;
  }

  updateName(): this {
    return this;
  }

  end(): void {
    // The order ends its trace, not the API.
  }

  isRecording(): boolean {
    return false;
  }

  recordException(): void {
    // Not recorded: see the class comment.
  }
}
