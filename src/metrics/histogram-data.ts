import { Distribution } from './distribution.js';

/** A histogram's data as plain numbers: `counts[i]` is for values ≤ `boundaries[i]`, the last for +Inf. */
export interface HistogramData {
  readonly boundaries: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/** A snapshot of `d` as plain data (its counts copied, so later records do not change it). */
export function histogramData(d: Distribution): HistogramData {
  return { boundaries: d.boundaries, counts: [...d.counts], count: d.count, sum: d.sum };
}

/** The distribution of values recorded between two cumulative histograms. */
export function intervalDistribution(now: HistogramData, before: HistogramData | undefined): Distribution {
  const d = new Distribution(now.boundaries);
  for (let i = 0; i < now.counts.length; i++) d.counts[i] = (now.counts[i] ?? 0) - (before?.counts[i] ?? 0);
  d.count = now.count - (before?.count ?? 0);
  d.sum = now.sum - (before?.sum ?? 0);
  // Bucket bounds stand in for the unknown min and max of the interval.
  const first = d.counts.findIndex((c) => c > 0);
  const last = d.counts.length - 1 - [...d.counts].reverse().findIndex((c) => c > 0);
  d.min = first <= 0 ? 0 : (now.boundaries[first - 1] ?? 0);
  d.max = now.boundaries[last] ?? now.boundaries.at(-1) ?? 0;
  return d;
}
