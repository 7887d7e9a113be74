import { type Context, createContextKey, defaultTextMapGetter, defaultTextMapSetter, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextWithCorrelationId, correlationIdOf } from '../../src/tracing/correlation-id.js';
import { LayeredContext } from '../../src/tracing/layered-context.js';

const KEYS = [createContextKey('a'), createContextKey('b'), createContextKey('c')];

describe("an order's context, built the light way", () => {
  it('reads as the API’s own context after any sequence of values set and deleted', () => {
    const step = fc.record({ key: fc.integer({ min: 0, max: KEYS.length - 1 }), value: fc.option(fc.integer(), { nil: undefined }), remove: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 20 }), (steps) => {
        let api: Context = ROOT_CONTEXT.setValue(KEYS[0] as symbol, 'inherited');
        let light: Context = LayeredContext.over(api);
        for (const { key, value, remove } of steps) {
          const k = KEYS[key] as symbol;
          api = remove ? api.deleteValue(k) : api.setValue(k, value);
          light = remove ? light.deleteValue(k) : light.setValue(k, value);
          for (const each of KEYS) expect(light.getValue(each)).toBe(api.getValue(each));
        }
      }),
    );
  });

  it('leaves its parent as it was', () => {
    const parent = ROOT_CONTEXT.setValue(KEYS[0] as symbol, 1);
    const child = LayeredContext.over(parent).setValue(KEYS[0] as symbol, 2);
    expect(child.getValue(KEYS[0] as symbol)).toBe(2);
    expect(parent.getValue(KEYS[0] as symbol)).toBe(1);
  });

  it('carries the span the API sets on it, and drops it when the API deletes it', () => {
    const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
    const withSpan = trace.setSpan(contextWithCorrelationId('order-1', ROOT_CONTEXT), span);
    expect(trace.getSpan(withSpan)).toBe(span);
    expect(correlationIdOf(withSpan)).toBe('order-1');
    expect(trace.getSpan(trace.deleteSpan(withSpan))).toBeUndefined();
    expect(correlationIdOf(trace.deleteSpan(withSpan))).toBe('order-1');
  });
});

describe("an order's baggage", () => {
  const propagator = new W3CBaggagePropagator();
  const injected = (ctx: Context): Record<string, string> => {
    const carrier: Record<string, string> = {};
    propagator.inject(ctx, carrier, defaultTextMapSetter);
    return carrier;
  };

  it('propagates as the API’s baggage would: the W3C header, and back to the same id in another process', () => {
    const ours = contextWithCorrelationId('order-7', ROOT_CONTEXT);
    const api = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ 'trading.correlation_id': { value: 'order-7' } }));
    expect(injected(ours)).toEqual(injected(api));
    expect(injected(ours)).toEqual({ baggage: 'trading.correlation_id=order-7' });
    const arrived = propagator.extract(ROOT_CONTEXT, injected(ours), defaultTextMapGetter);
    expect(correlationIdOf(arrived)).toBe('order-7');
  });

  it('keeps what a caller adds or removes, as the API’s baggage does, and never changes under them', () => {
    const baggage = propagation.getBaggage(contextWithCorrelationId('order-8', ROOT_CONTEXT));
    expect(baggage?.getAllEntries()).toEqual([['trading.correlation_id', { value: 'order-8' }]]);
    const added = baggage?.setEntry('tenant', { value: 'desk-2' });
    expect(added?.getAllEntries()).toEqual([
      ['trading.correlation_id', { value: 'order-8' }],
      ['tenant', { value: 'desk-2' }],
    ]);
    expect(added?.removeEntry('trading.correlation_id').getAllEntries()).toEqual([['tenant', { value: 'desk-2' }]]);
    expect(baggage?.removeEntries('trading.correlation_id').getAllEntries()).toEqual([]);
    expect(baggage?.clear().getAllEntries()).toEqual([]);
    expect(baggage?.getEntry('trading.correlation_id')).toEqual({ value: 'order-8' });
    expect(() => Object.assign(baggage?.getEntry('trading.correlation_id') ?? {}, { value: 'changed' })).toThrow(TypeError);
  });

  it('joins baggage the order inherits, keeping its entries', () => {
    const inherited = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ tenant: { value: 'desk-2' } }));
    expect(injected(contextWithCorrelationId('order-9', inherited))).toEqual({ baggage: 'tenant=desk-2,trading.correlation_id=order-9' });
  });
});
