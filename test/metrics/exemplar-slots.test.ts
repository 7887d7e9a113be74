import { describe, expect, it } from 'vitest';
import { ExemplarSlots } from '../../src/metrics/exemplar-slots.js';

describe('ExemplarSlots', () => {
  const trace = (n: number) => ({ traceId: n.toString(16).padStart(32, '0'), spanId: n.toString(16).padStart(16, '0'), traceFlags: 1 });

  it('holds one exemplar per bucket, the latest kept, lowest bucket first, and hands out copies', () => {
    const slots = new ExemplarSlots([0.1, 1]);
    slots.keep(0.5, trace(1), 1000);
    slots.keep(0.05, trace(2), 1001);
    slots.keep(0.7, trace(3), 1002);
    slots.keep(5, trace(4), 1003);
    const collected = slots.collect();
    expect(collected).toEqual([
      { value: 0.05, timeMillis: 1001, traceId: trace(2).traceId, spanId: trace(2).spanId },
      { value: 0.7, timeMillis: 1002, traceId: trace(3).traceId, spanId: trace(3).spanId },
      { value: 5, timeMillis: 1003, traceId: trace(4).traceId, spanId: trace(4).spanId },
    ]);
    slots.keep(0.06, trace(5), 1004);
    expect(collected[0]?.traceId).toBe(trace(2).traceId);
  });
});
