import { Bench } from 'tinybench';

/** One measured case. `baseline` marks the case ratios are computed against. */
export interface BenchCase {
  readonly name: string;
  readonly fn: () => void | Promise<void>;
}

/** A suite: cases measured in the same run, with ratios against named baselines. */
export interface Suite {
  readonly title: string;
  readonly cases: readonly BenchCase[];
  /** Ratios to print: [case, against]. */
  readonly ratios: readonly (readonly [string, string])[];
  /** Target ratios (case/against must be ≤ target), reported as met or missed, never asserted. */
  readonly targets?: Readonly<Record<string, number>>;
  /** Absolute targets per case, ns/op, reported the same way. */
  readonly limitsNs?: Readonly<Record<string, number>>;
}

/** A measured case: mean nanoseconds per operation, its relative margin of error, and the median and 99th percentile. */
export interface CaseResult {
  readonly name: string;
  readonly nsPerOp: number;
  readonly rmePercent: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly samples: number;
}

export interface SuiteResult {
  readonly title: string;
  readonly cases: readonly CaseResult[];
  readonly ratios: readonly { readonly of: string; readonly against: string; readonly ratio: number; readonly target?: number }[];
  readonly limitsNs: Readonly<Record<string, number>>;
}

/** `global.gc` when node runs with --expose-gc (npm run bench does). */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** How long each case runs, and its fewest calls (tinybench's default, 64, is 64 renders of 50,000 series even in a 50-ms quick run). */
export interface BenchBudget {
  readonly timeMillis: number;
  readonly iterations: number;
}

/**
 * Runs every case of `suite` in one tinybench run and returns ns/op and ratios. Each case
 * starts on a collected heap, so none pays for the garbage the case before it left.
 */
export async function runSuite(suite: Suite, { timeMillis, iterations }: BenchBudget): Promise<SuiteResult> {
  const bench = new Bench({ time: timeMillis, warmupTime: Math.min(500, timeMillis / 2), iterations, warmupIterations: Math.min(16, iterations), setup: () => collectGarbage?.() });
  for (const c of suite.cases) bench.add(c.name, c.fn);
  await bench.run();
  const cases: CaseResult[] = bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`${suite.title} / ${task.name}: ${result.state}`);
    return {
      name: task.name,
      nsPerOp: result.latency.mean * 1e6,
      rmePercent: result.latency.rme,
      p50Ns: result.latency.p50 * 1e6,
      p99Ns: result.latency.p99 * 1e6,
      samples: result.latency.samplesCount,
    };
  });
  const byName = new Map(cases.map((c) => [c.name, c]));
  const ratios = suite.ratios.map(([of, against]) => {
    const a = byName.get(of);
    const b = byName.get(against);
    if (a === undefined || b === undefined) throw new Error(`ratio ${of}/${against}: unknown case`);
    const target = suite.targets?.[`${of} / ${against}`];
    return { of, against, ratio: a.nsPerOp / b.nsPerOp, ...(target === undefined ? {} : { target }) };
  });
  return { title: suite.title, cases, ratios, limitsNs: suite.limitsNs ?? {} };
}

/** Renders a suite result as a plain-text table. */
export function formatSuite(result: SuiteResult): string {
  const width = Math.max(...result.cases.map((c) => c.name.length), 10);
  const lines = [`\n## ${result.title}`, `${'case'.padEnd(width)}  ${'ns/op'.padStart(10)}  ${'±%'.padStart(6)}  ${'p50'.padStart(10)}  ${'p99'.padStart(10)}`];
  for (const c of result.cases) {
    const columns = [c.nsPerOp.toFixed(1).padStart(10), c.rmePercent.toFixed(1).padStart(6), c.p50Ns.toFixed(1).padStart(10), c.p99Ns.toFixed(1).padStart(10)];
    lines.push(`${c.name.padEnd(width)}  ${columns.join('  ')}`);
  }
  for (const [name, limit] of Object.entries(result.limitsNs)) {
    const measured = result.cases.find((c) => c.name === name)?.nsPerOp ?? Number.NaN;
    lines.push(`${name}: ${(measured / 1000).toFixed(1)} µs/op  (target ≤ ${limit / 1000} µs: ${measured <= limit ? 'met' : 'MISSED'})`);
  }
  for (const r of result.ratios) {
    const verdict = r.target === undefined ? '' : r.ratio <= r.target ? `  (target ≤ ${r.target}: met)` : `  (target ≤ ${r.target}: MISSED)`;
    lines.push(`ratio ${r.of} / ${r.against} = ${r.ratio.toFixed(2)}×${verdict}`);
  }
  return lines.join('\n');
}
