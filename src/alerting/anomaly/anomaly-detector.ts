import type { Meter } from '@opentelemetry/api';
import { z } from 'zod';
import { Instruments } from '../../conventions.js';
import { observeInstrument } from '../../metrics/observable.js';
import { fn, hasMethods, instance, parseOptions, schemaOf } from '../../validation/parse-options.js';
import type { RuleContext } from '../alert-types.js';
import { Ewma } from './ewma.js';
import { SeasonalBaseline, type SeasonalOptions } from './seasonal-baseline.js';

/** A metric the detector watches: how to read it, and which direction is bad. */
export interface WatchedMetric {
  readonly name: string;
  /** The value at this evaluation, or undefined when there is none (no orders in the interval). */
  readonly read: (context: RuleContext) => number | undefined;
  /** `high`: only unusually high values are anomalies (latency); `low`: only low ones (fill rate). */
  readonly direction: 'high' | 'low' | 'both';
  /**
   * The smallest standard deviation assumed for this metric, in its own unit: a metric that sat
   * at exactly 0 (no rejections yet) would otherwise turn its first move into an endless z-score.
   * Default: the detector's `minSd`.
   */
  readonly minSd?: number;
  /**
   * For a share (0 to 1) of some count, that count at this evaluation (the orders placed). The
   * detector then assumes at least the noise of a binomial share of that many, √(p(1−p)/n):
   * 3 of 5 orders filled in a quiet second is chance; 3 of 50 is an anomaly.
   */
  readonly sampleSize?: (context: RuleContext) => number;
}

/** One anomaly. */
export interface Detection {
  readonly metric: string;
  readonly at: number;
  readonly value: number;
  readonly expected: number;
  readonly z: number;
  /** The z-score the value had to pass, after adapting to recent volatility. */
  readonly threshold: number;
}

/** Options of {@link AnomalyDetector}. */
export interface AnomalyOptions extends SeasonalOptions {
  /** The |z| beyond which a value is anomalous in calm conditions. Default 4. */
  readonly zThreshold?: number;
  /** How long a detection keeps the metric anomalous, in ms. Default 60000. */
  readonly holdMillis?: number;
  readonly meter?: Meter;
  /** Called with every detection (log it). */
  readonly onDetection?: (detection: Detection) => void;
}

// Shares of the interval's orders, capped at 1: orders placed earlier can be rejected or filled in it.
const shareOfPlaced = (count: number, placed: number): number | undefined => (placed >= 5 ? Math.min(1, count / placed) : undefined);

/** The standard deviation of a share of `n` draws around `p`, with p kept one draw inside 0 and 1 (a share that was always 0 still has noise). */
function binomialSd(p: number, n: number): number {
  if (!(n >= 2)) return 0;
  const q = Math.min(Math.max(p, 1 / n), 1 - 1 / n);
  return Math.sqrt((q * (1 - q)) / n);
}

const placed = (c: RuleContext): number => c.interval.placed;

/** The trading metrics watched by default, each with a noise floor (1 percentage point, 1 ms, 0.1 bp, 0.1 message/s). */
export const DEFAULT_WATCHED: readonly WatchedMetric[] = [
  { name: 'rejection_rate', direction: 'high', minSd: 0.01, sampleSize: placed, read: (c) => shareOfPlaced(c.interval.rejected, c.interval.placed) },
  { name: 'latency_p95', direction: 'high', minSd: 0.001, read: (c) => (Number.isFinite(c.interval.latencyP95) ? c.interval.latencyP95 : undefined) },
  { name: 'fill_rate', direction: 'low', minSd: 0.01, sampleSize: placed, read: (c) => shareOfPlaced(c.interval.filled, c.interval.placed) },
  { name: 'slippage_bps', direction: 'high', minSd: 0.1, read: (c) => c.snapshot.slippage?.meanBps },
  { name: 'message_rate', direction: 'low', minSd: 0.1, read: (c) => (c.interval.seconds > 0 ? c.interval.messages / c.interval.seconds : undefined) },
];

const watchedSchema = z.strictObject({
  name: z.string().min(1).max(64),
  read: fn<WatchedMetric['read']>(),
  direction: z.enum(['high', 'low', 'both']),
  minSd: z.number().positive().optional(),
  sampleSize: fn<NonNullable<WatchedMetric['sampleSize']>>().optional(),
});
const metricsSchema = schemaOf<readonly WatchedMetric[]>()(
  z.array(watchedSchema).refine((metrics) => new Set(metrics.map((m) => m.name)).size === metrics.length, 'watched metric names must be unique'),
);
const optionsSchema = schemaOf<AnomalyOptions>()(
  z.strictObject({
    zThreshold: z.number().positive().optional(),
    holdMillis: z.number().min(0).optional(),
    meter: instance<Meter>('an OpenTelemetry Meter', hasMethods('createObservableCounter')).optional(),
    onDetection: fn<NonNullable<AnomalyOptions['onDetection']>>().optional(),
    bucketsPerDay: z.number().int().min(1).max(1440).optional(),
    alpha: z.number().gt(0).max(1).optional(),
    warmupSamples: z.number().int().min(1).optional(),
    minRelativeSd: z.number().min(0).optional(),
    minSd: z.number().positive().optional(),
  }),
);

/**
 * Online anomaly detection against learnt baselines: each watched metric has a time-of-day
 * seasonal baseline (EWMA mean and variance per slot) and is scored as a z-score. The
 * threshold adapts to volatility: it widens by the ratio of the recent mean |z| to its calm
 * level (0.8), so a volatile market does not page for ordinary swings. Nothing fires during a
 * slot's warm-up. Each detection is counted in `trading.alerts.anomalies{metric}` once the
 * detector has a meter (its `meter` option, or the alert engine's when it runs the anomaly rule).
 */
export class AnomalyDetector {
  readonly #metrics: readonly WatchedMetric[];
  readonly #baselines = new Map<string, SeasonalBaseline>();
  readonly #volatility = new Map<string, Ewma>();
  readonly #active = new Map<string, Detection>();
  readonly #counts = new Map<string, number>();
  readonly #options: AnomalyOptions;
  #instrumented = false;

  /** @throws TelemetryConfigError naming the option when one is unknown or unusable. */
  constructor(metrics: readonly WatchedMetric[] = DEFAULT_WATCHED, options: AnomalyOptions = {}) {
    this.#metrics = parseOptions(metricsSchema, metrics, 'metrics');
    this.#options = parseOptions(optionsSchema, options);
    for (const m of metrics) {
      this.#baselines.set(m.name, new SeasonalBaseline(m.minSd === undefined ? options : { ...options, minSd: m.minSd }));
      this.#volatility.set(m.name, new Ewma(0.05));
      // Every watched metric's counter exists from the start, at 0, so increase() sees the first detection.
      this.#counts.set(m.name, 0);
    }
    if (options.meter !== undefined) this.instrument(options.meter);
  }

  /**
   * Counts detections in `trading.alerts.anomalies{metric}` on `meter`. The alert engine calls
   * it for the anomaly rule; only the first call registers the counter.
   */
  instrument(meter: Meter): void {
    if (this.#instrumented) return;
    this.#instrumented = true;
    observeInstrument(meter, Instruments.anomalies, (result) => {
      for (const [metric, count] of this.#counts) result.observe(count, { metric });
    });
  }

  /** Scores one evaluation's values; returns the new detections. */
  observe(context: RuleContext): Detection[] {
    const detections: Detection[] = [];
    for (const metric of this.#metrics) {
      const value = metric.read(context);
      if (value === undefined || !Number.isFinite(value)) continue;
      const detection = this.score(metric, value, context.now, metric.sampleSize?.(context));
      if (detection !== undefined) detections.push(detection);
    }
    return detections;
  }

  /**
   * Scores one value of one metric at `at` (epoch ms); the detection, if it is anomalous.
   * `sampleSize`: for a share, the count it is a share of (see {@link WatchedMetric.sampleSize}).
   */
  score(metric: WatchedMetric, value: number, at: number, sampleSize?: number): Detection | undefined {
    // Callers in JS can pass anything: a value that is not a finite number is never scored or learnt.
    if (typeof value !== 'number' || !Number.isFinite(value) || typeof at !== 'number' || !Number.isFinite(at)) return undefined;
    const baseline = this.#baselines.get(metric.name);
    const volatility = this.#volatility.get(metric.name);
    if (baseline === undefined || volatility === undefined) return undefined;
    const score = baseline.observe(value, at, typeof sampleSize === 'number' ? binomialSd(baseline.expected(at), sampleSize) : 0);
    if (!score.warm) return undefined;
    const calm = 0.8; // mean |z| of a normal distribution
    const threshold = (this.#options.zThreshold ?? 4) * Math.max(1, volatility.count > 10 ? volatility.mean / calm : 1);
    volatility.update(Math.min(Math.abs(score.z), 10));
    const bad = metric.direction === 'high' ? score.z > threshold : metric.direction === 'low' ? score.z < -threshold : Math.abs(score.z) > threshold;
    if (!bad) return undefined;
    const detection: Detection = { metric: metric.name, at, value, expected: score.expected, z: score.z, threshold };
    this.#active.set(metric.name, detection);
    this.#counts.set(metric.name, (this.#counts.get(metric.name) ?? 0) + 1);
    this.#options.onDetection?.(detection);
    return detection;
  }

  /** Detections still within their hold time at `now`. */
  active(now: number): Detection[] {
    const hold = this.#options.holdMillis ?? 60_000;
    for (const [metric, d] of this.#active) if (now - d.at > hold) this.#active.delete(metric);
    return [...this.#active.values()];
  }

  /** Detections so far, per metric. */
  counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }
}
