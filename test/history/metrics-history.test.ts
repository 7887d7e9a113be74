import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { TelemetryConfigError } from 'trading-telemetry';
import { HISTORY_COLUMNS, MAX_HISTORY_SAMPLES, MetricsHistory } from '../../src/history/metrics-history.js';
import { metricsHarness } from '../support/metric-collector.js';

// A real, full garbage collection, so the memory test measures what stays rather than what is not collected yet.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

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

  it('stays at its documented bound at maximum retention (86,400 samples: 11,059,200 bytes) and wraps', async () => {
    const h = metricsHarness();
    const snapshot = h.telemetry.snapshot();
    const latency = h.telemetry.orders.latencyHistogram();
    // Typed-array storage is counted in arrayBuffers, everything else in heapUsed.
    const used = (): number => {
      collectGarbage();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = used();
    const history = new MetricsHistory({ retentionSeconds: MAX_HISTORY_SAMPLES, resolutionSeconds: 1 });
    expect(history.capacity).toBe(MAX_HISTORY_SAMPLES);
    expect(history.bytes).toBe(HISTORY_COLUMNS.length * MAX_HISTORY_SAMPLES * 8);
    expect(history.bytes).toBe(11_059_200);
    const total = Math.round(MAX_HISTORY_SAMPLES * 1.5);
    for (let i = 0; i < total; i++) history.record({ ...snapshot, timestamp: i * 1000 }, latency);
    const grown = used() - before;
    expect(history.size).toBe(MAX_HISTORY_SAMPLES);
    const series = history.series(total * 1000 - 11_000);
    expect(series.t).toEqual(Array.from({ length: 10 }, (_, i) => (total - 10 + i) * 1000));
    // What stays is the preallocated samples plus the last snapshot: under the bound and some slack.
    // The slack is measurement noise (V8's code and feedback for record(), other buffers): 0.4-0.6
    // MiB over the bound in runs on Node 20 and 26. 129,600 records kept as objects would be tens of MiB.
    expect(grown).toBeGreaterThan(history.bytes * 0.9);
    expect(grown).toBeLessThan(history.bytes + 1024 * 1024);
    await h.shutdown();
  });

  it('keeps 1 h at 1 s (the default) in 460,800 bytes', () => {
    const history = new MetricsHistory();
    expect(history.capacity).toBe(3600);
    expect(history.bytes).toBe(460_800);
  });

  it('rejects at configuration time a resolution or retention that cannot work, naming the option', () => {
    expect(() => new MetricsHistory({ resolutionSeconds: 0 })).toThrow(/dashboard\.history\.resolutionSeconds/);
    expect(() => new MetricsHistory({ resolutionSeconds: Number.NaN })).toThrow(TelemetryConfigError);
    expect(() => new MetricsHistory({ retentionSeconds: 1, resolutionSeconds: 5 })).toThrow(/dashboard\.history\.retentionSeconds/);
    expect(() => new MetricsHistory({ retentionSeconds: 7 * 86_400, resolutionSeconds: 1 })).toThrow(/604800 samples, over the 86400/);
    expect(new MetricsHistory({ retentionSeconds: 7 * 86_400, resolutionSeconds: 7 }).capacity).toBe(MAX_HISTORY_SAMPLES);
  });
});
