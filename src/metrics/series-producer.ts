import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
  type MetricDescriptor,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { type InstrumentConvention, SCOPE_NAME } from '../conventions.js';
import { VERSION } from '../version.js';
import type { Distribution } from './distribution.js';
import type { ExemplarSlots, PointExemplar } from './exemplar-slots.js';

/** A counter or gauge family as the producer reads it: a plain number per series. */
export interface ProducedValues {
  readonly kind: 'values';
  readonly convention: InstrumentConvention;
  readonly startTime: HrTime;
  series(): Iterable<{ readonly attributes: Attributes; readonly value: number }>;
}

/** A histogram family as the producer reads it: bucket counts per series. */
export interface ProducedHistograms {
  readonly kind: 'histograms';
  readonly convention: InstrumentConvention;
  readonly boundaries: readonly number[];
  series(): Iterable<{ readonly attributes: Attributes; readonly distribution: Distribution; readonly startTime: HrTime; readonly exemplars?: ExemplarSlots | undefined }>;
}

/**
 * A histogram data point with the exemplars of its series, as the producer exports it. The
 * SDK's data model has no exemplars (opentelemetry-js#5147); the property rides along on the
 * point, the OpenMetrics text renders it, and every other consumer ignores it.
 */
export interface ExemplarHistogramPoint extends DataPoint<Histogram> {
  readonly exemplars?: readonly PointExemplar[];
}

export type ProducedFamily = ProducedValues | ProducedHistograms;

function descriptor(convention: InstrumentConvention): MetricDescriptor {
  return { name: convention.name, description: convention.description, unit: convention.unit, valueType: ValueType.DOUBLE };
}

function valueMetric(family: ProducedValues, endTime: HrTime): MetricData | undefined {
  const dataPoints: DataPoint<number>[] = [];
  for (const s of family.series()) dataPoints.push({ startTime: family.startTime, endTime, attributes: s.attributes, value: s.value });
  if (dataPoints.length === 0) return undefined;
  const base = { descriptor: descriptor(family.convention), aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPoints };
  return family.convention.kind === 'counter' ? { ...base, dataPointType: DataPointType.SUM, isMonotonic: true } : { ...base, dataPointType: DataPointType.GAUGE };
}

function histogramMetric(family: ProducedHistograms, endTime: HrTime): MetricData | undefined {
  const dataPoints: ExemplarHistogramPoint[] = [];
  for (const s of family.series()) {
    const d = s.distribution;
    if (d.count === 0) continue;
    const point: ExemplarHistogramPoint = {
      startTime: s.startTime,
      endTime,
      attributes: s.attributes,
      value: { buckets: { boundaries: [...family.boundaries], counts: Array.from(d.counts) }, count: d.count, sum: d.sum, min: d.min, max: d.max },
    };
    // Only series with exemplars carry the property: every other point is the SDK's shape exactly.
    dataPoints.push(s.exemplars === undefined ? point : { ...point, exemplars: s.exemplars.collect() });
  }
  if (dataPoints.length === 0) return undefined;
  return { descriptor: descriptor(family.convention), aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.HISTOGRAM, dataPoints };
}

/**
 * The fast path: a MetricProducer that exports the facade's counters, gauges and histograms
 * straight from their plain numbers and bucket counts. Recording is an addition (or a binary
 * search for histograms) and a collection reads the numbers, with none of the SDK's attribute
 * hashing or metric storage. Attach it to every metric reader
 * (`new PrometheusExporter({ metricProducers: [producer] })`, or any reader's `metricProducers`)
 * and pass it to `createTradingTelemetry({ seriesProducer })`; startTelemetry does both.
 * The data is what the SDK path exports for the same records (same names, units, attributes,
 * values, buckets, count, sum, min and max, cumulative temporality): the equivalence tests
 * prove it. A reader that prefers delta temporality still receives cumulative points (marked
 * so), and SDK Views do not apply to these instruments. Histogram points of series that hold
 * exemplars carry them ({@link ExemplarHistogramPoint}), for the OpenMetrics text of `/metrics`.
 */
export class SeriesProducer implements MetricProducer {
  readonly #families: ProducedFamily[] = [];

  /** Adds a family to what {@link collect} exports. */
  register(family: ProducedFamily): void {
    this.#families.push(family);
  }

  collect(): Promise<CollectionResult> {
    const endTime = hrTime();
    const metrics: MetricData[] = [];
    for (const family of this.#families) {
      const metric = family.kind === 'values' ? valueMetric(family, endTime) : histogramMetric(family, endTime);
      if (metric !== undefined) metrics.push(metric);
    }
    // The reader replaces this resource with the SDK's own.
    return Promise.resolve({ resourceMetrics: { resource: emptyResource(), scopeMetrics: metrics.length === 0 ? [] : [{ scope: { name: SCOPE_NAME, version: VERSION }, metrics }] }, errors: [] });
  }
}
