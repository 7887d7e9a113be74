import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { traced, withSpan } from 'trading-telemetry';
import { run } from '../support/processes.js';
import { type TracingHarness, tracingHarness } from '../support/tracing-harness.js';

describe('traced() and withSpan()', () => {
  let h: TracingHarness;
  beforeEach(() => {
    h = tracingHarness();
  });
  afterEach(async () => h.shutdown());

  const activeSpanName = (): string | undefined => (trace.getActiveSpan() as unknown as { name?: string } | undefined)?.name;

  it('wraps a sync function: span active inside, ended once, type and name kept', () => {
    function placeOrder(price: number, qty: number): string {
      expect(activeSpanName()).toBe('placeOrder');
      return `${price}x${qty}`;
    }
    const wrapped = traced('placeOrder', placeOrder);
    expectTypeOf(wrapped).toEqualTypeOf<(price: number, qty: number) => string>();
    expect(wrapped.name).toBe('placeOrder');
    expect(wrapped(100, 2)).toBe('100x2');
    expect(h.spans()).toHaveLength(1);
    expect(h.span('placeOrder').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records a sync throw, sets ERROR, and rethrows the same error', () => {
    const failure = new Error('insufficient balance');
    const wrapped = traced('placeOrder', () => {
      throw failure;
    });
    expect(() => wrapped()).toThrow(failure);
    const span = h.span('placeOrder');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'insufficient balance' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('wraps async functions and promise-returning functions, ending when they settle', async () => {
    const asyncFn = traced('async', async (x: number) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(activeSpanName()).toBe('async');
      return x * 2;
    });
    const promiseFn = traced('promise', (x: number) => new Promise<number>((resolve) => setTimeout(() => resolve(x + 1), 5)));
    expectTypeOf(asyncFn).toEqualTypeOf<(x: number) => Promise<number>>();
    expect(await asyncFn(2)).toBe(4);
    expect(await promiseFn(2)).toBe(3);
    expect(h.spans().map((s) => s.name).sort()).toEqual(['async', 'promise']);
  });

  it('records a rejection and rejects with the same error', async () => {
    const failure = new Error('rate limited');
    const wrapped = traced('send', () => Promise.reject(failure));
    await expect(wrapped()).rejects.toBe(failure);
    expect(h.span('send').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('wraps Node-style callbacks, ending the span when the callback runs', async () => {
    function cancel(id: string, done: (error: Error | null, result?: string) => void): void {
      setTimeout(() => (id === 'bad' ? done(new Error('unknown order')) : done(null, `cancelled ${id}`)), 5);
    }
    const wrapped = traced('cancel', cancel, { callback: true });
    const ok = await new Promise<string | undefined>((resolve) => wrapped('o-1', (_e, result) => resolve(result)));
    expect(ok).toBe('cancelled o-1');
    const error = await new Promise<Error | null>((resolve) => wrapped('bad', (e) => resolve(e)));
    expect(error?.message).toBe('unknown order');
    const spans = h.spans().filter((s) => s.name === 'cancel');
    expect(spans.map((s) => s.status.code).sort()).toEqual([SpanStatusCode.UNSET, SpanStatusCode.ERROR].sort());
  });

  it('nests spans and keeps context across await, setTimeout and EventEmitter callbacks', async () => {
    const emitter = new EventEmitter();
    const seen: (string | undefined)[] = [];
    await withSpan('outer', async (outer) => {
      emitter.on('tick', () => seen.push(trace.getActiveSpan()?.spanContext().spanId));
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(trace.getActiveSpan()?.spanContext().spanId);
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          seen.push(trace.getActiveSpan()?.spanContext().spanId);
          resolve();
        }, 1),
      );
      emitter.emit('tick');
      traced('inner', () => undefined)();
      expect(seen).toEqual([outer.spanContext().spanId, outer.spanContext().spanId, outer.spanContext().spanId]);
    });
    const outer = h.span('outer');
    expect(h.span('inner').parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });

  it('works as a standard method decorator, keeping `this` and errors (compiled by esbuild via tsx)', async () => {
    const fixture = resolve(import.meta.dirname, 'fixtures/decorated-gateway.ts');
    const result = await run(resolve(import.meta.dirname, '../../node_modules/.bin/tsx'), [fixture]);
    expect(result.code, result.output).toBe(0);
    expect(JSON.parse(result.output)).toEqual({
      placed: 'binance:3',
      cancelError: 'binance refused',
      spans: [
        { name: 'gateway.cancel', status: SpanStatusCode.ERROR },
        { name: 'place', status: SpanStatusCode.UNSET },
      ],
    });
  });
});
