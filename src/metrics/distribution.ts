/** Quantiles and mean of a set of recorded values, in the values' own unit. */
export interface DistributionSummary {
  readonly count: number;
  readonly sum: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/**
 * The bucket `value` falls in: the first `i` with `value <= boundaries[i]`, or
 * `boundaries.length` (the +Inf bucket). A binary search; it never allocates.
 */
export function bucketIndex(boundaries: readonly number[], value: number): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= (boundaries[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A fixed-bucket histogram held in plain numbers, for in-process views (snapshot, stage
 * report, dashboard). Recording is a binary search and two increments; it never allocates.
 * Quantiles are interpolated linearly inside the bucket and clamped to the observed min/max,
 * the same estimate Prometheus' histogram_quantile() makes.
 */
export class Distribution {
  readonly boundaries: readonly number[];
  /** counts[i] holds values in (boundaries[i-1], boundaries[i]]; the last slot is +Inf. */
  readonly counts: Float64Array;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(boundaries: readonly number[]) {
    this.boundaries = boundaries;
    this.counts = new Float64Array(boundaries.length + 1);
  }

  record(value: number): void {
    const bucket = bucketIndex(this.boundaries, value);
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.count++;
    this.sum += value;
    // Math.min/max as the SDK's histogram aggregator does (so -0 and 0 compare the same way).
    this.min = Math.min(this.min, value);
    this.max = Math.max(this.max, value);
  }

  /** Adds another distribution with the same boundaries into this one. */
  mergeFrom(other: Distribution): void {
    for (let i = 0; i < this.counts.length; i++) {
      this.counts[i] = (this.counts[i] as number) + (other.counts[i] as number);
    }
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** The q-quantile (0..1), or NaN when nothing was recorded. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = q * this.count;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const inBucket = this.counts[i] as number;
      if (inBucket === 0 || seen + inBucket < rank) {
        seen += inBucket;
        continue;
      }
      const lower = Math.max(i === 0 ? this.min : (this.boundaries[i - 1] as number), this.min);
      const upper = Math.min(i < this.boundaries.length ? (this.boundaries[i] as number) : this.max, this.max);
      const estimate = lower + (upper - lower) * ((rank - seen) / inBucket);
      return Math.min(Math.max(estimate, this.min), this.max);
    }
    return this.max;
  }

  /** Summary statistics, or undefined when nothing was recorded. */
  summary(): DistributionSummary | undefined {
    if (this.count === 0) return undefined;
    return {
      count: this.count,
      sum: this.sum,
      mean: this.sum / this.count,
      min: this.min,
      max: this.max,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
    };
  }
}
