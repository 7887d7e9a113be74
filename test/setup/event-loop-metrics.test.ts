import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { observeEventLoopDelay } from '../../src/setup/event-loop-metrics.js';
import { OnDemandReader } from '../support/metric-collector.js';

async function delayGauges(reader: OnDemandReader): Promise<Map<string, number>> {
  const { resourceMetrics } = await reader.collect();
  const out = new Map<string, number>();
  for (const metric of resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)) {
    const point = metric.dataPoints[0];
    if (point !== undefined && typeof point.value === 'number') out.set(metric.descriptor.name, point.value);
  }
  return out;
}

function blockFor(millis: number): void {
  const until = performance.now() + millis;
  while (performance.now() < until) {
    // a synchronous stall, as a slow JSON.parse or a tight loop in a strategy would cause
  }
}

describe('event-loop delay gauges', () => {
  it('report a stall in seconds under the semantic-convention names, then only the new interval', async () => {
    const reader = new OnDemandReader();
    const provider = new MeterProvider({ readers: [reader] });
    const stop = observeEventLoopDelay(provider.getMeter('test'));
    try {
      await sleep(50);
      blockFor(300);
      await sleep(50);
      const stalled = await delayGauges(reader);
      expect([...stalled.keys()].sort()).toEqual(['max', 'mean', 'min', 'p50', 'p90', 'p99', 'stddev'].map((s) => `nodejs.eventloop.delay.${s}`).sort());
      expect(stalled.get('nodejs.eventloop.delay.max')).toBeGreaterThan(0.25);
      expect(stalled.get('nodejs.eventloop.delay.max')).toBeLessThan(5);

      await sleep(100); // no stall in this interval: the 300 ms are not reported again
      const calm = await delayGauges(reader);
      expect(calm.get('nodejs.eventloop.delay.max')).toBeLessThan(0.25);
    } finally {
      stop();
      await provider.shutdown();
    }
  });
});
