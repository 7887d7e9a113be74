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
    expect(result.output).toMatch(/ratio facade \(orders\.track \+ createLogger\) \/ raw OTel \+ pino by hand = \d+\.\d\d×/);
    expect(result.output).toMatch(/facade, a child span per stage \(stageSpans\) +[\d.]+/);
    for (const series of ['1,000', '10,000', '50,000']) expect(result.output).toContain(`## Scrape cost: /metrics with ${series} series`);
    expect(result.output).toMatch(/orders\/s +[\d,]+ +\(target ≥ 20,000/);
    expect(result.output).toMatch(/event-loop p99 +\d+\.\d\d ms/);
  }, 240_000);
});
