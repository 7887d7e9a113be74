import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_SECONDS } from 'trading-telemetry/conventions';
import { Distribution } from '../../src/metrics/distribution.js';

describe('Distribution', () => {
  it('summarises nothing as undefined and NaN quantiles', () => {
    const d = new Distribution(LATENCY_BUCKETS_SECONDS);
    expect(d.summary()).toBeUndefined();
    expect(d.quantile(0.5)).toBeNaN();
  });

  it('estimates quantiles within the bucket that holds them, clamped to min and max', () => {
    const d = new Distribution([1, 2, 4, 8]);
    for (let i = 1; i <= 100; i++) d.record(i <= 50 ? 1.5 : 3);
    const s = d.summary();
    expect(s?.count).toBe(100);
    expect(s?.mean).toBeCloseTo(2.25);
    expect(s?.p50).toBeGreaterThanOrEqual(1.5);
    expect(s?.p50).toBeLessThanOrEqual(2);
    expect(s?.p95).toBeGreaterThan(2);
    expect(s?.p95).toBeLessThanOrEqual(3);
    expect(s?.p99).toBeLessThanOrEqual(s?.max ?? 0);
  });

  it('puts values above the last boundary in the +Inf slot and merges exactly', () => {
    const a = new Distribution([1]);
    const b = new Distribution([1]);
    a.record(0.5);
    b.record(5);
    a.mergeFrom(b);
    expect([...a.counts]).toEqual([1, 1]);
    expect(a.max).toBe(5);
    expect(a.quantile(1)).toBe(5);
  });
});
