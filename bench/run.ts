import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { formatSuite, runSuite, type SuiteResult } from './harness.js';
import { recordCostSuite } from './suites/record-cost.js';

/**
 * `npm run bench`: every comparison in one process, printed as a table with ratios and
 * written to bench/results/latest.json. `--quick` (CI smoke) runs each case briefly: it
 * proves the benchmarks still run, and its numbers mean nothing.
 */
const quick = process.argv.includes('--quick');
const timeMillis = quick ? 50 : 2_000;

const results: SuiteResult[] = [];
for (const suite of [recordCostSuite()]) {
  const result = await runSuite(suite, timeMillis);
  results.push(result);
  console.log(formatSuite(result));
}

const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, quick };
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/latest.json', import.meta.url), `${JSON.stringify({ machine, results }, null, 2)}\n`);
console.log(`\nwritten bench/results/latest.json (${machine.node}, ${machine.cpu})`);
