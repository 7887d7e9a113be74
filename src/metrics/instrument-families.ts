import type { Attributes, Histogram, HrTime, Meter, SpanContext } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { OVERFLOW_ATTRIBUTE, type InstrumentConvention } from '../conventions.js';
import { Distribution } from './distribution.js';
import { ExemplarSlots } from './exemplar-slots.js';
import type { SeriesProducer } from './series-producer.js';
import type { MeasurementGuard } from './measurement-guard.js';
import { observeInstrument } from './observable.js';
import { SeriesRegistry } from './series-registry.js';

/** A value per attribute set, held in a plain number and read by an observable instrument. */
export interface ValueSeries {
  readonly attributes: Attributes;
  value: number;
}

/** A histogram series: the attribute set and its bucket counts (exported by the fast path, read by snapshots and reports). */
export interface HistogramSeries {
  readonly attributes: Attributes;
  readonly distribution: Distribution;
  readonly startTime: HrTime;
  /** Its exemplars, from the first one kept on (see {@link HistogramFamily.exemplar}). */
  exemplars?: ExemplarSlots;
}

/** What every family needs to create its instrument and bound its series. */
export interface FamilyContext {
  readonly meter: Meter;
  readonly guard: MeasurementGuard;
  readonly cardinalityLimit: number;
  /** When set, counters, gauges and histograms export through it (the fast path) instead of SDK instruments. */
  readonly seriesProducer?: SeriesProducer;
}

const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ [OVERFLOW_ATTRIBUTE]: true });

function histogramSeries(attributes: Attributes, boundaries: readonly number[]): HistogramSeries {
  return { attributes, distribution: new Distribution(boundaries), startTime: hrTime() };
}

function valueSeries(attributes: Attributes): ValueSeries {
  return { attributes: Object.freeze(attributes), value: 0 };
}

/**
 * Series holding plain numbers, read at collection time by the SeriesProducer (the fast path)
 * or else by an observable counter or gauge (per the convention's kind). Recording is one
 * addition or assignment; the hot path never hashes attributes.
 */
export class ValueFamily {
  readonly #registry: SeriesRegistry<ValueSeries>;

  constructor(ctx: FamilyContext, convention: InstrumentConvention) {
    this.#registry = new SeriesRegistry(convention.name, ctx.cardinalityLimit, ctx.guard, () =>
      valueSeries(OVERFLOW_ATTRIBUTES),
    );
    if (ctx.seriesProducer !== undefined) {
      ctx.seriesProducer.register({ kind: 'values', convention, startTime: hrTime(), series: () => this.#registry.values() });
    } else {
      observeInstrument(ctx.meter, convention, (result) => {
        for (const s of this.#registry.values()) result.observe(s.value, s.attributes);
      });
    }
  }

  /** The series for `key`; `attributes()` runs only when the series is new. */
  series(key: string, attributes: () => Attributes): ValueSeries {
    return this.#registry.get(key, () => valueSeries(attributes()));
  }

  all(): IterableIterator<ValueSeries> {
    return this.#registry.values();
  }
}

/**
 * An explicit-bucket histogram. Each series keeps its bucket counts in a Distribution. With a
 * SeriesProducer in the context those counts are what gets exported (a record never touches
 * the SDK); without one, each record also goes to an SDK histogram with the series' frozen
 * attributes, for providers the producer cannot be attached to.
 */
export class HistogramFamily {
  readonly #registry: SeriesRegistry<HistogramSeries>;
  readonly #histogram: Histogram | undefined;
  readonly #boundaries: readonly number[];

  constructor(ctx: FamilyContext, convention: InstrumentConvention, boundaries: readonly number[]) {
    this.#boundaries = boundaries;
    this.#histogram = ctx.seriesProducer === undefined
      ? ctx.meter.createHistogram(convention.name, { unit: convention.unit, description: convention.description, advice: { explicitBucketBoundaries: [...boundaries] } })
      : undefined;
    this.#registry = new SeriesRegistry(convention.name, ctx.cardinalityLimit, ctx.guard, () => histogramSeries(OVERFLOW_ATTRIBUTES, boundaries));
    ctx.seriesProducer?.register({ kind: 'histograms', convention, boundaries, series: () => this.#registry.values() });
  }

  /** The series for `key`; `attributes()` runs only when the series is new. */
  series(key: string, attributes: () => Attributes): HistogramSeries {
    return this.#registry.get(key, () => histogramSeries(Object.freeze(attributes()), this.#boundaries));
  }

  all(): IterableIterator<HistogramSeries> {
    return this.#registry.values();
  }

  record(series: HistogramSeries, value: number): void {
    const normalized = value + 0; // -0 becomes 0, so a min of "-0" never reaches a snapshot or an export
    this.#histogram?.record(normalized, series.attributes);
    series.distribution.record(normalized);
  }

  /**
   * Links `value`, already recorded into `series`, to the span of `trace`: the exemplar of the
   * bucket it was counted in (one per bucket, the latest wins), exported by the fast path. The
   * plain record path never touches exemplars.
   */
  exemplar(series: HistogramSeries, value: number, trace: SpanContext, timeMillis: number): void {
    (series.exemplars ??= new ExemplarSlots(this.#boundaries)).keep(value + 0, trace, timeMillis);
  }

  /** One distribution merging every series that `include` accepts (all of them by default). */
  merged(include: (attributes: Attributes) => boolean = () => true): Distribution {
    const merged = new Distribution(this.#boundaries);
    for (const s of this.#registry.values()) if (include(s.attributes)) merged.mergeFrom(s.distribution);
    return merged;
  }
}
