import { type Attributes, context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { Attr, SCOPE_NAME } from '../conventions.js';
import { redactSecrets, redactText } from '../secrets.js';
import { VERSION } from '../version.js';
import { correlationIdOf } from './correlation-id.js';

/** Options of {@link traced} and {@link withSpan}. */
export interface TracedOptions {
  /** Span attributes set at start. */
  readonly attributes?: Attributes;
  /** Span kind; INTERNAL by default. */
  readonly kind?: SpanKind;
  /** Tracer to use; the global tracer for `trading-telemetry` by default. */
  readonly tracer?: Tracer;
  /**
   * The wrapped function takes a Node-style callback `(error, ...results)` as its last
   * argument: the span ends when the callback is called, and records `error` if it is set.
   */
  readonly callback?: boolean;
}

/** Any function; parameters typed `never` so every function is assignable without `any`. */
export type AnyFunction = (...args: never[]) => unknown;

/**
 * Records `error` on `span` as an exception and sets status ERROR, its message and stack
 * redacted (a signed URL in an exchange error keeps no signature). The caller still gets the
 * error itself, unchanged.
 */
export function recordFailure(span: Span, error: unknown): void {
  const exception = error instanceof Error ? redactSecrets(error) : { name: 'NonError', message: redactText(String(error)) };
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function startSpan(name: string, options: TracedOptions | undefined): Span {
  const attributes: Attributes = redactSecrets({ ...options?.attributes });
  const correlationId = correlationIdOf();
  if (correlationId !== undefined) attributes[Attr.correlationId] = correlationId;
  const tracer = options?.tracer ?? trace.getTracer(SCOPE_NAME, VERSION);
  return tracer.startSpan(name, { kind: options?.kind ?? SpanKind.INTERNAL, attributes });
}

/** Ends `span` once `result` settles (or now, for a plain value) and hands the result back. */
function endWhenSettled<T>(span: Span, result: T): T {
  if (!isThenable(result)) {
    span.end();
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      recordFailure(span, error);
      span.end();
      throw error;
    },
  ) as T;
}

/** Calls `body` with `span` active; a synchronous throw is recorded, ends the span, and is rethrown. */
function callInSpan<T>(span: Span, body: () => T, endOnReturn: boolean): T {
  let result: T;
  try {
    result = context.with(trace.setSpan(context.active(), span), body);
  } catch (error) {
    recordFailure(span, error);
    span.end();
    throw error;
  }
  return endOnReturn ? endWhenSettled(span, result) : result;
}

/**
 * Runs `fn` inside a new span `name`, active for its whole duration, so nested spans and log
 * lines belong to it. The span ends exactly once, when `fn` returns or its promise settles;
 * a throw or rejection is recorded, sets status ERROR, and reaches the caller unchanged.
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, options?: TracedOptions): T {
  const span = startSpan(name, options);
  return callInSpan(span, () => fn(span), true);
}

type LooseFunction = (this: unknown, ...args: unknown[]) => unknown;

function wrap<F extends AnyFunction>(name: string, fn: F, options: TracedOptions | undefined): F {
  const target = fn as unknown as LooseFunction;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const span = startSpan(name, options);
    const last = args.at(-1);
    if (options?.callback === true && typeof last === 'function') {
      let ended = false;
      args[args.length - 1] = function (this: unknown, error: unknown, ...results: unknown[]): unknown {
        if (!ended) {
          ended = true;
          if (error !== null && error !== undefined) recordFailure(span, error);
          span.end();
        }
        return (last as LooseFunction).call(this, error, ...results);
      };
      return callInSpan(span, () => target.apply(this, args), false);
    }
    return callInSpan(span, () => target.apply(this, args), true);
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  return wrapped as unknown as F;
}

/** A TC39 (standard) method decorator that wraps the method like {@link traced}. */
export type TracedMethodDecorator = <This, Args extends unknown[], Return>(
  method: (this: This, ...args: Args) => Return,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Return>,
) => (this: This, ...args: Args) => Return;

/**
 * Wraps `fn` so every call runs in its own span `name` (see {@link withSpan}). Works for
 * sync functions, `async` functions, functions returning a promise, and Node-style
 * callbacks (`{ callback: true }`). The wrapper has `fn`'s exact type, name and length.
 *
 * Called without a function, returns a standard method decorator:
 * `@traced()` (span named after the method) or `@traced('order.place', options)`.
 */
export function traced<F extends AnyFunction>(name: string, fn: F, options?: TracedOptions): F;
export function traced(name?: string, options?: TracedOptions): TracedMethodDecorator;
export function traced<F extends AnyFunction>(
  name?: string,
  fnOrOptions?: F | TracedOptions,
  options?: TracedOptions,
): F | TracedMethodDecorator {
  if (typeof fnOrOptions === 'function') return wrap(name ?? (fnOrOptions.name || 'anonymous'), fnOrOptions, options);
  const decoratorOptions = fnOrOptions;
  const decorator: TracedMethodDecorator = (method, decoratorContext) =>
    wrap(name ?? String(decoratorContext.name), method, decoratorOptions);
  return decorator;
}
