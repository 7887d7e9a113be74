import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CheckOutcome, HealthCheckFn } from '../health-check.js';

/** Options of {@link eventLoopCheck}, in ms of event-loop delay at the 99th percentile. */
export interface EventLoopThresholds {
  /** Degraded past this p99 delay. Default 100 ms. */
  readonly degradedP99Millis?: number;
  /** Unhealthy past this p99 delay. Default 1000 ms. */
  readonly unhealthyP99Millis?: number;
}

/**
 * Event-loop responsiveness from `perf_hooks.monitorEventLoopDelay`: the p99 delay since the
 * previous check. A stalled loop delays every order, timer and heartbeat. Call `stop()` to
 * release the monitor.
 */
export function eventLoopCheck(thresholds: EventLoopThresholds = {}): HealthCheckFn & { stop(): void } {
  const degraded = thresholds.degradedP99Millis ?? 100;
  const unhealthy = thresholds.unhealthyP99Millis ?? 1000;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const check = (): CheckOutcome => {
    if (histogram.count === 0) return 'healthy';
    const p99 = histogram.percentile(99) / 1e6;
    const max = histogram.max / 1e6;
    histogram.reset();
    const reason = `event-loop delay p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`;
    if (p99 > unhealthy) return { status: 'unhealthy', reason };
    return { status: p99 > degraded ? 'degraded' : 'healthy', reason };
  };
  return Object.assign(check, { stop: () => histogram.disable() });
}
