import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { formatSuite, runSuite, type SuiteResult } from './harness.js';
import { ccxtCreateOrderSuite } from './suites/ccxt-create-order.js';
import { orderInstrumentationSuite } from './suites/order-instrumentation.js';
import { scrapeCostSuite } from './suites/scrape-cost.js';
import { formatSustained, runSustainedLoad } from './suites/sustained-load.js';
import { exemplarCostSuite, gaugeCostSuite, histogramCostSuite, recordCostSuite } from './suites/record-cost.js';
import { redactionCostSuite } from './suites/redaction-cost.js';

/**
 * `npm run bench`: every comparison in one process, printed as a table with ratios and
 * written to bench/results/latest.json. `--quick` (CI smoke) runs each case briefly: it
 * proves the benchmarks still run, and its numbers mean nothing.
 */
const quick = process.argv.includes('--quick');
// Quick: a few calls of each case (the smoke test only needs every case to run).
const budget = quick ? { timeMillis: 50, iterations: 4 } : { timeMillis: 2_000, iterations: 64 };

const results: SuiteResult[] = [];
for (const suite of [recordCostSuite(), gaugeCostSuite(), histogramCostSuite(), exemplarCostSuite(), orderInstrumentationSuite(), redactionCostSuite(), ...[1_000, 10_000, 50_000].map(scrapeCostSuite)]) {
  const result = await runSuite(suite, budget);
  results.push(result);
  console.log(formatSuite(result));
}

// A real exchange round trip (ccxt against the simulator in this process), after the micro-benchmarks.
const ccxtSuite = await ccxtCreateOrderSuite();
const ccxtResult = await runSuite(ccxtSuite.suite, budget);
await ccxtSuite.close();
results.push(ccxtResult);
console.log(formatSuite(ccxtResult));

// Last: it runs the real pipeline, whose timers and exports must not overlap the micro-benchmarks.
// Every order traced (keep: 'all', as before tail keeping), then startTelemetry's default keep policy.
const sustained = [await runSustainedLoad(quick ? 1 : 10, 'all'), await runSustainedLoad(quick ? 1 : 10)];
console.log(formatSustained(sustained));

const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, quick };
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(new URL('./results/latest.json', import.meta.url), `${JSON.stringify({ machine, results, sustained }, null, 2)}\n`);
console.log(`\nwritten bench/results/latest.json (${machine.node}, ${machine.cpu})`);
