import { type Attributes, type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_TYPE } from '@opentelemetry/semantic-conventions';
import { Attr, SpanAttr } from '../conventions.js';
import { type CallScope, currentCall, runInScope } from './call-scope.js';
import { idOf, isObject, type Method } from './ccxt-shapes.js';
import { errorClassOf, rejectReasonOf } from './error-classes.js';
import type { InstrumentationContext } from './instrumentation-context.js';
import { whenSettled } from './method-patch.js';
import type { TrackedOrder } from './order-ledger.js';
import { placeOrder } from './order-placement.js';
import { type MethodPlan, symbolsOf } from './unified-methods.js';

/** Longest error message kept on a span or an order (ccxt appends whole response bodies). */
const MAX_MESSAGE = 512;

/** The scrubbed, bounded message of `error`. */
function messageOf(ctx: InstrumentationContext, error: unknown): string {
  const message: unknown = isObject(error) ? error.message : undefined;
  return ctx.scrub(typeof message === 'string' ? message : String(error)).slice(0, MAX_MESSAGE);
}

/** The span attributes of a call of `plan` with `args`. */
function callAttributes(ctx: InstrumentationContext, plan: MethodPlan, args: readonly unknown[], symbols: readonly string[], order: TrackedOrder | undefined): Attributes {
  const attributes: Attributes = { [Attr.exchange]: ctx.venue.exchange, [Attr.exchangeMethod]: plan.name };
  if (symbols.length === 1) attributes[Attr.symbol] = symbols[0];
  if (plan.name === 'createOrder' || plan.name === 'editOrder') {
    const [type, side] = plan.name === 'createOrder' ? [args[1], args[2]] : [args[2], args[3]];
    if (typeof side === 'string') attributes[Attr.side] = side;
    if (typeof type === 'string') attributes[Attr.orderType] = type;
  }
  if (plan.byOrderId) {
    const exchangeOrderId = idOf(args[0]);
    if (exchangeOrderId !== undefined) attributes[SpanAttr.exchangeOrderId] = exchangeOrderId;
  }
  if (order !== undefined) attributes[Attr.correlationId] = order.trace.correlationId;
  return attributes;
}

/** Feeds a call's result to the order lifecycle (orders and trades it mentions), the funding ledger and the stream registry. */
function applyResult(ctx: InstrumentationContext, plan: MethodPlan, symbols: readonly string[], value: unknown): void {
  if (plan.kind === 'unwatch' && plan.stream !== undefined) ctx.venue.streams.unsubscribe(plan.stream, symbols);
  if (plan.result === undefined) return;
  const items: unknown[] = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (!isObject(item)) continue;
    if (plan.result === 'orders') ctx.venue.ledger.order(item);
    else if (plan.result === 'trades') ctx.venue.ledger.trade(item);
    else ctx.venue.funding.payment(item);
  }
}

/** Ends `span` with the outcome of its call. */
function endSpan(ctx: InstrumentationContext, span: Span | undefined, failed: boolean, outcome: unknown): void {
  if (span === undefined) return;
  if (failed) {
    const errorClass = errorClassOf(outcome);
    const message = messageOf(ctx, outcome);
    span.setAttribute(ATTR_ERROR_TYPE, errorClass);
    // Not recordException: a ccxt error's stack repeats its message, signed URL and all.
    span.addEvent('exception', { [ATTR_EXCEPTION_TYPE]: errorClass, [ATTR_EXCEPTION_MESSAGE]: message });
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}

/** A call inside another unified call (ccxt's `watchOrderBook` calls `watchOrderBookForSymbols`): no span, no metrics of its own. */
function nested(ctx: InstrumentationContext, plan: MethodPlan, outer: CallScope, self: unknown, args: unknown[], original: Method): unknown {
  let scope: CallScope;
  try {
    scope = { method: plan.name, context: outer.context, order: undefined, symbols: symbolsOf(plan, args), stream: plan.stream ?? outer.stream, done: false };
  } catch (error) {
    ctx.report(error);
    return original.apply(self, args);
  }
  const result = runInScope({ call: scope, request: undefined, response: undefined }, context.active(), () => original.apply(self, args));
  return whenSettled(result, (failed, outcome) => {
    scope.done = true;
    if (!failed) applyResult(ctx, plan, scope.symbols, outcome);
  }, ctx.report);
}

/** What a top-level call begins with. */
interface Begun {
  readonly scope: CallScope;
  readonly span: Span | undefined;
  readonly args: unknown[];
  readonly startedAt: number;
}

/** The context a call on an order the ledger follows belongs in: that order's trace, while it is open. */
function orderContext(ctx: InstrumentationContext, plan: MethodPlan, args: readonly unknown[]): { context: Context; order: TrackedOrder } | undefined {
  if (!plan.byOrderId) return undefined;
  const order = ctx.venue.ledger.open(idOf(args[0]));
  return order === undefined ? undefined : { context: order.trace.context, order };
}

function begin(ctx: InstrumentationContext, plan: MethodPlan, args: unknown[]): Begun {
  const placement = plan.places ? placeOrder(ctx, args) : undefined;
  const related = placement === undefined ? orderContext(ctx, plan, args) : undefined;
  const order = placement?.order ?? related?.order;
  const parent = placement?.order.trace.context ?? related?.context ?? context.active();
  const symbols = symbolsOf(plan, args);
  const traced = plan.kind !== 'watch' || ctx.options.traceWatchCalls !== false;
  const span = traced ? ctx.tracer.startSpan(`ccxt.${plan.name}`, { kind: SpanKind.INTERNAL, attributes: callAttributes(ctx, plan, args, symbols, order) }, parent) : undefined;
  const scope: CallScope = {
    method: plan.name,
    context: span === undefined ? parent : trace.setSpan(parent, span),
    // Only the call that places the order marks it sent; a cancel of it does not.
    order: placement?.order,
    symbols,
    stream: plan.stream,
    done: false,
  };
  return { scope, span, args: placement?.args ?? args, startedAt: performance.now() };
}

function finish(ctx: InstrumentationContext, plan: MethodPlan, begun: Begun, failed: boolean, outcome: unknown): void {
  const { scope, span } = begun;
  scope.done = true;
  const venue = ctx.venue;
  const errorClass = failed ? errorClassOf(outcome) : undefined;
  if (plan.kind === 'rest') {
    venue.metrics.requestDuration(venue.exchange, plan.name, errorClass ?? 'ok', (performance.now() - begun.startedAt) / 1000);
    venue.restOutcome(errorClass);
  }
  if (errorClass !== undefined) {
    venue.metrics.error(venue.exchange, plan.name, errorClass);
    const order = scope.order;
    if (order !== undefined && !order.trace.done) {
      order.trace.rejected(rejectReasonOf(outcome), messageOf(ctx, outcome));
      venue.ledger.forget(order);
    }
  } else {
    applyResult(ctx, plan, scope.symbols, outcome);
  }
  endSpan(ctx, span, failed, outcome);
}

/**
 * Wraps the unified method of `plan`: the call is a span `ccxt.<method>` (a child of the
 * order's lifecycle span when it places or concerns an order the ledger follows, else of the
 * active context), timed and counted by outcome; its requests are traced inside it; its
 * result moves the lifecycle of the orders it mentions. What ccxt returns or throws reaches
 * the caller unchanged.
 */
export function traceCall(ctx: InstrumentationContext, plan: MethodPlan): (original: Method) => Method {
  return (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const outer = currentCall();
      if (outer !== undefined) return nested(ctx, plan, outer, this, args, original);
      let begun: Begun;
      try {
        begun = begin(ctx, plan, args);
      } catch (error) {
        ctx.report(error);
        return original.apply(this, args);
      }
      let result: unknown;
      try {
        result = runInScope({ call: begun.scope, request: undefined, response: undefined }, begun.scope.context, () => original.apply(this, begun.args));
      } catch (error) {
        try {
          finish(ctx, plan, begun, true, error);
        } catch (failure) {
          ctx.report(failure);
        }
        throw error;
      }
      return whenSettled(result, (failed, outcome) => finish(ctx, plan, begun, failed, outcome), ctx.report);
    };
}
