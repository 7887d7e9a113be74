import { createTraceState } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { keptAt, randomnessOf, thresholdHex, withSamplingThreshold } from '../../src/tracing/consistent-sampling.js';

describe('consistent probability sampling (tracestate ot=th:…;rv:…)', () => {
  it('writes the rejection threshold of a probability as 14 hex digits: (1 − p) · 2^56', () => {
    expect(thresholdHex(1)).toBe('00000000000000');
    expect(thresholdHex(0.5)).toBe('80000000000000');
    expect(thresholdHex(0.25)).toBe('c0000000000000');
    // The spec's 1% example is fd70a3d70a3d70a4 (rounded); we carry 48 bits of it.
    expect(thresholdHex(0.01)).toBe('fd70a3d70a3d00');
    expect(Number.parseInt(thresholdHex(0.01), 16) / 2 ** 56).toBeCloseTo(0.99, 12);
  });

  it('keeps a trace whose randomness is at least the threshold, so a smaller share keeps a subset of a larger one', () => {
    const half = thresholdHex(0.5);
    const tenth = thresholdHex(0.1);
    expect(keptAt('80000000000000', half)).toBe(true);
    expect(keptAt('7fffffffffffff', half)).toBe(false);
    for (const randomness of ['00000000000000', '7fffffffffffff', 'e6666666666800', 'ffffffffffffff']) {
      if (keptAt(randomness, tenth)) expect(keptAt(randomness, half)).toBe(true);
    }
  });

  it('reads the randomness from the tracestate’s rv when there is one, else from the trace id’s last 14 digits', () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    expect(randomnessOf(traceId)).toBe('48eb211c80319c');
    expect(randomnessOf(traceId, createTraceState('ot=th:8;rv:0011223344aabb,vendor=x'))).toBe('0011223344aabb');
    expect(randomnessOf(traceId, createTraceState('ot=rv:not-hex'))).toBe('48eb211c80319c');
  });

  it('sets th and rv in the ot entry, trailing zeros of th trimmed, keeping other ot keys and other vendors', () => {
    expect(withSamplingThreshold(undefined, '00000000000000', '48eb211c80319c').serialize()).toBe('ot=th:0;rv:48eb211c80319c');
    expect(withSamplingThreshold(undefined, 'fd70a3d70a3d00', '48eb211c80319c').serialize()).toBe('ot=th:fd70a3d70a3d;rv:48eb211c80319c');
    const given = createTraceState('vendor=x,ot=th:8;p:3;rv:0011223344aabb');
    expect(withSamplingThreshold(given, 'c0000000000000', '0011223344aabb').serialize()).toBe('ot=th:c;rv:0011223344aabb;p:3,vendor=x');
  });
});
