import { describe, expect, it } from 'vitest';
import type { TelemetrySnapshot } from 'trading-telemetry';
import { AnomalyDetector, DEFAULT_WATCHED, type WatchedMetric } from 'trading-telemetry/alerting';

const DAY = 86_400_000;
const STEP = 10 * 60_000; // one observation every 10 minutes

/** A deterministic noise source so the test is reproducible. */
function noise(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

describe('AnomalyDetector on a synthetic series with daily seasonality', () => {
  it('catches injected rejection and latency spikes and stays quiet through the normal daily swings', () => {
    const rejection: WatchedMetric = { name: 'rejection_rate', direction: 'high', read: () => undefined };
    const latency: WatchedMetric = { name: 'latency_p95', direction: 'high', read: () => undefined };
    const detector = new AnomalyDetector([rejection, latency], { zThreshold: 4, bucketsPerDay: 24, warmupSamples: 12, alpha: 0.15 });
    const rand = noise(7);
    // Rejections run 2 % at night and 8 % at the open; latency 20 ms at night and 120 ms in the busy hours.
    const season = (t: number): number => 0.5 - 0.5 * Math.cos((2 * Math.PI * (t % DAY)) / DAY);
    const normalRejection = (t: number): number => 0.02 + 0.06 * season(t) + 0.006 * rand();
    const normalLatency = (t: number): number => 0.02 + 0.1 * season(t) + 0.008 * rand();

    const warmupDays = 6;
    const testDays = 4;
    const spikes = new Set<number>();
    let falsePositives = 0;
    let normalObservations = 0;
    const caught = new Set<number>();
    for (let t = 0; t < (warmupDays + testDays) * DAY; t += STEP) {
      const testing = t >= warmupDays * DAY;
      // In the test days, every 7th hour gets a spike on both metrics.
      const spike = testing && t % (7 * 3_600_000) === 0;
      if (spike) spikes.add(t);
      const r = detector.score(rejection, spike ? normalRejection(t) + 0.25 : normalRejection(t), t);
      const l = detector.score(latency, spike ? normalLatency(t) * 4 + 0.3 : normalLatency(t), t);
      if (!testing) continue;
      if (spike) {
        if (r !== undefined && l !== undefined) caught.add(t);
      } else {
        normalObservations += 2;
        if (r !== undefined) falsePositives++;
        if (l !== undefined) falsePositives++;
      }
    }
    expect(spikes.size).toBeGreaterThanOrEqual(10);
    expect(caught.size).toBe(spikes.size);
    // Stated for the record: no false positive in 4 days of normal seasonal swings (1,134 observations).
    expect({ falsePositives, normalObservations }).toEqual({ falsePositives: 0, normalObservations: 2 * (testDays * 144 - spikes.size) });
    expect(detector.counts().get('rejection_rate')).toBe(spikes.size);
  });

  it('never fires while a slot is warming up', () => {
    const metric: WatchedMetric = { name: 'm', direction: 'both', read: () => undefined };
    const detector = new AnomalyDetector([metric], { warmupSamples: 5 });
    for (let i = 0; i < 5; i++) expect(detector.score(metric, i === 3 ? 1e6 : 1, i * DAY)).toBeUndefined();
  });

  it('widens its threshold when the metric turns volatile', () => {
    const metric: WatchedMetric = { name: 'm', direction: 'both', read: () => undefined };
    const calm = new AnomalyDetector([metric], { bucketsPerDay: 1, warmupSamples: 5, minRelativeSd: 0, zThreshold: 3 });
    const rand = noise(3);
    for (let i = 0; i < 200; i++) calm.score(metric, 100 + rand() * (i < 100 ? 1 : 12), i * 1000);
    const threshold = calm.score(metric, 1e9, 201 * 1000)?.threshold ?? 0;
    expect(threshold).toBeGreaterThan(3);
  });

  it('scores the first move of a metric that sat at exactly 0 against its noise floor, not an endless z', () => {
    const rejection = DEFAULT_WATCHED.find((m) => m.name === 'rejection_rate');
    if (rejection === undefined) throw new Error('rejection_rate is watched by default');
    const detector = new AnomalyDetector([rejection], { bucketsPerDay: 1, warmupSamples: 5 });
    for (let i = 0; i < 20; i++) expect(detector.score(rejection, 0, i * 1000)).toBeUndefined();
    const detection = detector.score(rejection, 0.2, 21_000); // 1 of 5 orders rejected, after none ever
    expect(detection?.z).toBeCloseTo(20, 6); // 0.2 over the 1-percentage-point floor
  });

  it('reads order shares capped at 100 %: orders placed in earlier intervals can be rejected or filled in this one', () => {
    const read = (name: string, orders: { placed: number; filled: number; rejected: number }): number | undefined =>
      DEFAULT_WATCHED.find((m) => m.name === name)?.read({ now: 0, snapshot: {} as TelemetrySnapshot, risk: { tradingDay: '1970-01-01', dayStartPnl: 0, dailyPnl: 0, highWaterMark: 0, drawdown: 0 }, exchanges: [], interval: { seconds: 1, messages: 10, latencyP95: Number.NaN, ...orders } });
    expect(read('rejection_rate', { placed: 5, filled: 0, rejected: 17 })).toBe(1);
    expect(read('fill_rate', { placed: 5, filled: 9, rejected: 0 })).toBe(1);
    expect(read('rejection_rate', { placed: 4, filled: 0, rejected: 4 })).toBeUndefined(); // too few to judge
  });

  it('allows a share the noise of its sample: 3 of 5 filled is chance, 3 of 50 is an anomaly', () => {
    const fillRate = DEFAULT_WATCHED.find((m) => m.name === 'fill_rate');
    if (fillRate === undefined) throw new Error('fill_rate is watched by default');
    const context = (now: number, placed: number, filled: number) => ({ now, snapshot: {} as TelemetrySnapshot, risk: { tradingDay: '1970-01-01', dayStartPnl: 0, dailyPnl: 0, highWaterMark: 0, drawdown: 0 }, exchanges: [], interval: { seconds: 1, placed, filled, rejected: 0, messages: 10, latencyP95: Number.NaN } });
    const withSamples = new AnomalyDetector([fillRate], { bucketsPerDay: 1 });
    const withoutSamples = new AnomalyDetector([{ name: fillRate.name, direction: fillRate.direction, read: fillRate.read, minSd: 0.01 }], { bucketsPerDay: 1 });
    for (let i = 0; i < 200; i++) {
      const normal = context(i * 1000, 10, i % 8 === 0 ? 9 : 10); // about 99 % filled, 10 orders a second
      withSamples.observe(normal);
      withoutSamples.observe(normal);
    }
    expect(withoutSamples.observe(context(201_000, 5, 3))).toHaveLength(1); // what the detector did before
    expect(withSamples.observe(context(201_000, 5, 3))).toEqual([]);
    expect(withSamples.observe(context(202_000, 50, 3))).toMatchObject([{ metric: 'fill_rate', value: 0.06 }]);
  });
});
