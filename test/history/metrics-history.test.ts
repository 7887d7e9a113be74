import { describe, expect, it } from 'vitest';
import { HISTORY_COLUMNS, MetricsHistory } from 'trading-telemetry';
import { metricsHarness } from '../support/metric-collector.js';

describe('MetricsHistory', () => {
  it('computes per-second rates and per-interval latency percentiles from cumulative snapshots', async () => {
    let now = 0;
    const h = metricsHarness({ clock: () => now });
    const history = new MetricsHistory({ retentionSeconds: 60, resolutionSeconds: 1 });
    const orders = h.telemetry.orders.for({ exchange: 'x', symbol: 'BTC-USD', side: 'buy' });
    history.record(h.telemetry.snapshot(), h.telemetry.orders.latencyHistogram());
    now = 1000;
    for (let i = 0; i < 10; i++) {
      orders.placed();
      orders.filled();
      orders.orderDuration('filled', 0.004);
    }
    orders.placed(10);
    orders.rejected('rate_limited', 2);
    history.record(h.telemetry.snapshot(), h.telemetry.orders.latencyHistogram());
    now = 3000;
    for (let i = 0; i < 4; i++) orders.orderDuration('filled', 2);
    history.record(h.telemetry.snapshot(), h.telemetry.orders.latencyHistogram());

    const s = history.series();
    expect(s.t).toEqual([0, 1000, 3000]);
    expect(s.placedRate).toEqual([0, 20, 0]);
    expect(s.filledRate).toEqual([0, 10, 0]);
    expect(s.rejectedRate).toEqual([0, 2, 0]);
    expect(s.fillRate[1]).toBe(0.5);
    // Interval percentiles: the 4 ms orders in the second sample, the 2 s ones in the third only.
    expect(s.latencyP50[1]).toBeGreaterThan(0.0025);
    expect(s.latencyP50[1]).toBeLessThanOrEqual(0.005);
    expect(s.latencyP50[2]).toBeGreaterThan(1);
    expect(Number.isNaN(s.latencyP99[0])).toBe(true);
    expect(history.series(1000).t).toEqual([3000]);
    await h.shutdown();
  });

  it('stays at its documented bound at maximum retention (1 h at 1 s: 460,800 bytes) and wraps', async () => {
    const h = metricsHarness();
    const history = new MetricsHistory({ retentionSeconds: 3600, resolutionSeconds: 1 });
    expect(history.bytes).toBe(HISTORY_COLUMNS.length * 3600 * 8);
    expect(history.bytes).toBe(460_800);
    const snapshot = h.telemetry.snapshot();
    const latency = h.telemetry.orders.latencyHistogram();
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 3600 * 3; i++) history.record({ ...snapshot, timestamp: i * 1000 }, latency);
    global.gc?.();
    expect(history.size).toBe(3600);
    const series = history.series();
    expect(series.t[0]).toBe(3600 * 2 * 1000);
    expect(series.t.at(-1)).toBe((3600 * 3 - 1) * 1000);
    // The samples live in typed arrays allocated up front: recording 10,800 samples adds nothing that stays.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(8 * 1024 * 1024);
    await h.shutdown();
  });

  it('rejects a resolution or retention that cannot work', () => {
    expect(() => new MetricsHistory({ resolutionSeconds: 0 })).toThrow(RangeError);
    expect(() => new MetricsHistory({ retentionSeconds: 1, resolutionSeconds: 5 })).toThrow(RangeError);
  });
});
