import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Meter } from '@opentelemetry/api';

const STATISTICS = ['min', 'max', 'mean', 'stddev', 'p50', 'p90', 'p99'] as const;

/**
 * Event-loop delay as the OTel semantic conventions name it (`nodejs.eventloop.delay.p99` …,
 * seconds), from `perf_hooks.monitorEventLoopDelay`, over the interval since the previous
 * collection. The runtime instrumentation of this OTel line reports utilization but no delay,
 * and a stalled loop is what delays every order. Returns a function that stops the monitor.
 */
export function observeEventLoopDelay(meter: Meter): () => void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const gauges = Object.fromEntries(
    STATISTICS.map((statistic) => [statistic, meter.createObservableGauge(`nodejs.eventloop.delay.${statistic}`, { unit: 's', description: `Event-loop delay, ${statistic}, since the previous collection.` })]),
  );
  const read: Record<(typeof STATISTICS)[number], () => number> = {
    min: () => histogram.min,
    max: () => histogram.max,
    mean: () => histogram.mean,
    stddev: () => histogram.stddev,
    p50: () => histogram.percentile(50),
    p90: () => histogram.percentile(90),
    p99: () => histogram.percentile(99),
  };
  meter.addBatchObservableCallback((result) => {
    if (histogram.count === 0) return;
    for (const statistic of STATISTICS) {
      const gauge = gauges[statistic];
      if (gauge !== undefined) result.observe(gauge, read[statistic]() / 1e9);
    }
    histogram.reset();
  }, Object.values(gauges));
  return () => histogram.disable();
}
