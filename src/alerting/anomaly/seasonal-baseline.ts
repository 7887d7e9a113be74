import { Ewma } from './ewma.js';

/** Options of {@link SeasonalBaseline}. */
export interface SeasonalOptions {
  /** Buckets per day: each time-of-day slot learns its own normal. Default 48 (30 min). */
  readonly bucketsPerDay?: number;
  /** EWMA weight per observation in a bucket. Default 0.2. */
  readonly alpha?: number;
  /** Observations a bucket needs before it may flag anything. Default 8. */
  readonly warmupSamples?: number;
  /**
   * The smallest standard deviation assumed, relative to the bucket's mean, so a flat series
   * does not turn noise into huge z-scores. Default 0.05 (5 %).
   */
  readonly minRelativeSd?: number;
  /** The smallest standard deviation assumed, absolute. Default 1e-9. */
  readonly minSd?: number;
}

/** How a value compares with its time of day. */
export interface BaselineScore {
  readonly expected: number;
  readonly sd: number;
  /** (value − expected) / sd; 0 while warming up. */
  readonly z: number;
  readonly warm: boolean;
}

const DAY_MILLIS = 86_400_000;

/**
 * A time-of-day seasonal baseline: one EWMA mean and variance per slot of the day, so 3 a.m.
 * is compared with earlier 3 a.m.s and the open with earlier opens. A value is scored against
 * its slot before it is learnt, so a spike does not hide itself.
 */
export class SeasonalBaseline {
  readonly #buckets: Ewma[];
  readonly #options: SeasonalOptions;

  constructor(options: SeasonalOptions = {}) {
    this.#options = options;
    const count = options.bucketsPerDay ?? 48;
    this.#buckets = Array.from({ length: count }, () => new Ewma(options.alpha ?? 0.2));
  }

  /** The learnt mean of the slot of epoch ms `at`. */
  expected(at: number): number {
    return this.#bucket(at).mean;
  }

  /**
   * Scores `value` observed at epoch ms `at`, then learns it. `minSd` raises the noise floor for
   * this value alone (the detector passes a share's sampling noise).
   */
  observe(value: number, at: number, minSd = 0): BaselineScore {
    const bucket = this.#bucket(at);
    const warm = bucket.count >= (this.#options.warmupSamples ?? 8);
    const sd = Math.max(bucket.sd, Math.abs(bucket.mean) * (this.#options.minRelativeSd ?? 0.05), this.#options.minSd ?? 1e-9, minSd);
    const score: BaselineScore = { expected: bucket.mean, sd, z: warm ? (value - bucket.mean) / sd : 0, warm };
    bucket.update(value);
    return score;
  }

  #bucket(at: number): Ewma {
    const slot = Math.floor((((at % DAY_MILLIS) + DAY_MILLIS) % DAY_MILLIS) / (DAY_MILLIS / this.#buckets.length));
    return this.#buckets[slot] as Ewma;
  }
}
