import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../support/processes.js';

/** CI only proves the benchmarks still run; their numbers are read by people, never asserted. */
describe('npm run bench', () => {
  it('runs every suite in quick mode and prints each comparison with its ratio', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const result = await run(resolve(root, 'node_modules/.bin/tsx'), ['--expose-gc', resolve(root, 'bench/run.ts'), '--quick']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/ratio facade bound handle \/ prom-client inc\(labels\) = \d+\.\d\d×/);
    expect(result.output).toMatch(/ratio facade unbound .* \/ raw OTel Counter\.add = \d+\.\d\d×/);
    expect(result.output).toMatch(/ratio facade setPosition \/ raw OTel Gauge\.record = \d+\.\d\d×/);
    expect(result.output).toMatch(/ratio facade bound handle \(positionGauge\) \/ prom-client set\(labels\) = \d+\.\d\d×/);
    expect(result.output).toMatch(/ratio facade bound handle \/ prom-client observe\(labels\) = \d+\.\d\d×/);
    expect(result.output).toMatch(/ratio record, series holding exemplars \/ record, series without exemplars = \d+\.\d\d×/);
    expect(result.output).toMatch(/ratio facade \(orders\.track \+ createLogger\) \/ raw OTel \+ pino by hand = \d+\.\d\d×/);
    expect(result.output).toMatch(/facade, a child span per stage \(stageSpans\) +[\d.]+/);
    for (const series of ['1,000', '10,000', '50,000']) expect(result.output).toContain(`## Scrape cost: /metrics with ${series} series`);
    expect(result.output).toMatch(/ratio tail-kept, an unkept order \/ raw OTel \+ pino by hand = \d+\.\d\d×/);
    expect(result.output).toMatch(/ratio tail-kept, mixed stream .* \/ raw OTel \+ pino by hand = \d+\.\d\d×/);
    expect(result.output).toMatch(/ratio tail-kept, a kept order \(keep: 'all'\) \/ facade \(orders\.track \+ createLogger\) = \d+\.\d\d×/);
    expect(result.output).toMatch(/keep "all"\n +orders\/s +[\d,]+/);
    expect(result.output).toMatch(/keep default\n +orders\/s +[\d,]+ +\(target ≥ 155,100: \w+\) +\(\d+\.\d\d× keep "all"\)/);
    expect(result.output).toMatch(/orders kept +[\d,]+, unkept [\d,]+/);
    expect(result.output).toMatch(/event-loop p99 +\d+\.\d\d ms/);
  }, 240_000);
});
