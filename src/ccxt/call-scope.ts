import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import type { TrackedOrder } from './order-ledger.js';

/** One unified call in progress (`createOrder`, `watchOrderBook`, …). */
export interface CallScope {
  /** The unified method as the bot called it, or as ccxt called it inside another one. */
  readonly method: string;
  /** The context its requests are traced in: the call's span, or the outer call's. */
  readonly context: Context;
  /** The order this call places (`createOrder`): its first request marks it `sent`. */
  readonly order: TrackedOrder | undefined;
  /** The symbols the call names (a watch call's subscriptions). */
  readonly symbols: readonly string[];
  /** The stream a watch call subscribes to (`order_book`, …). */
  readonly stream: string | undefined;
  /** Set when the call settles: what ccxt starts from it later (timers, sockets) is not inside it. */
  done: boolean;
}

/** One `fetch2` in progress: the request of a call, sent once plus its retries. */
export interface RequestScope {
  /** The path template (`/api/v3/order`), never the signed query. */
  readonly template: string;
  /** How many times it has been sent so far. */
  attempts: number;
  /** Seconds it waited in ccxt's throttler, once known. */
  throttleWaitSeconds: number | undefined;
}

/** One HTTP exchange (a single `fetch`): what its response showed. */
export interface ResponseScope {
  status: number | undefined;
  /** Clock ms the request was handed to the transport: the start of the round trip. */
  readonly sentAt: number;
}

/** Where in ccxt the current code runs: the unified call, the request it sends, and the HTTP exchange of that request. */
export interface Scope {
  readonly call: CallScope | undefined;
  readonly request: RequestScope | undefined;
  readonly response: ResponseScope | undefined;
}

/** The scope's key in the OpenTelemetry context. */
const SCOPE = createContextKey('trading-telemetry ccxt scope');

/** Where the scope is kept when no OpenTelemetry context manager carries contexts across awaits. */
const fallback = new AsyncLocalStorage<Scope>();

/**
 * Runs `fn` in `scope`, with `base` as the active OpenTelemetry context. The scope rides in
 * that context, so it follows ccxt's awaits as the spans do, at no extra cost per async step;
 * where no context manager is registered (a bare facade without an SDK), our own
 * AsyncLocalStorage carries it instead.
 */
export function runInScope<T>(scope: Scope, base: Context, fn: () => T): T {
  const ctx = base.setValue(SCOPE, scope);
  return context.with(ctx, () => (context.active() === ctx ? fn() : fallback.run(scope, fn)));
}

/** Runs `fn` outside every scope and span: what ccxt starts there (a socket) belongs to no call. */
export function outsideScopes<T>(fn: () => T): T {
  return fallback.exit(() => context.with(ROOT_CONTEXT, fn));
}

/** The scope of the code running now. */
export function currentScope(): Scope | undefined {
  return (context.active().getValue(SCOPE) as Scope | undefined) ?? fallback.getStore();
}

/** The unified call in progress around the running code; undefined outside one, or once it settled. */
export function currentCall(): CallScope | undefined {
  const call = currentScope()?.call;
  return call === undefined || call.done ? undefined : call;
}
