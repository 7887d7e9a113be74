import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startTelemetry } from 'trading-telemetry';

function blockFor(millis: number): void {
  const until = performance.now() + millis;
  while (performance.now() < until) {
    // a synchronous stall, as a slow JSON.parse or a tight loop in a strategy would cause
  }
}

/** The value of the one sample of `name` in a /metrics text. */
function sample(text: string, name: string): number {
  const values = text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
  expect(values, name).toHaveLength(1);
  return Number(values[0]?.split(' ').at(-1));
}

/** Metric family names that more than one `# TYPE` line declares. */
function duplicateFamilies(text: string): string[] {
  const names = text.split('\n').filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ')[2] ?? '');
  return names.filter((name, i) => names.indexOf(name) !== i);
}

describe('runtime metrics', () => {
  it('report a stall as event-loop delay in seconds, once per collection interval, each family declared once', async () => {
    const handle = await startTelemetry({ serviceName: 'runtime', server: { port: 0, metricsCacheMillis: 0 }, env: {} });
    try {
      const scrape = async (accept?: string): Promise<string> =>
        (await fetch(`${handle.url ?? ''}/metrics`, accept === undefined ? {} : { headers: { accept } })).text();
      await sleep(100);
      await scrape(); // starts the next interval
      await sleep(50);
      blockFor(300);
      await sleep(100); // the sampler needs a few samples after the stall
      const stalled = await scrape();
      expect(sample(stalled, 'nodejs_eventloop_delay_max')).toBeGreaterThan(0.25);
      expect(sample(stalled, 'nodejs_eventloop_delay_max')).toBeLessThan(5);

      await sleep(200); // no stall in this interval: the 300 ms are not reported again
      const calm = await scrape();
      expect(sample(calm, 'nodejs_eventloop_delay_max')).toBeLessThan(0.25);
      expect(sample(calm, 'nodejs_eventloop_delay_p50')).toBeLessThan(0.05);

      // One family per name in both formats: the runtime instrumentation and the facade never
      // declare the same metric twice (they once did, with different event-loop delays).
      expect(duplicateFamilies(calm)).toEqual([]);
      expect(duplicateFamilies(await scrape('application/openmetrics-text; version=1.0.0'))).toEqual([]);
    } finally {
      await handle.shutdown();
    }
  });
});
