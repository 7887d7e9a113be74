import { type HrTime, ValueType } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, type CollectionResult, DataPointType, type DataPoint, type Histogram, type HistogramMetricData, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { type InstrumentConvention, SCOPE_NAME } from '../conventions.js';
import { VERSION } from '../version.js';
import type { Distribution } from './distribution.js';

/** One series as the producer reads it. */
export interface ProducedSeries {
  readonly attributes: DataPoint<Histogram>['attributes'];
  readonly distribution: Distribution;
  /** When the series was created: the start of its cumulative data. */
  readonly startTime: HrTime;
}

/** A histogram family as the producer reads it. */
export interface ProducedFamily {
  readonly convention: InstrumentConvention;
  readonly boundaries: readonly number[];
  series(): Iterable<ProducedSeries>;
}

/**
 * The histogram fast path: a MetricProducer that exports the facade's histograms straight from
 * their in-process bucket counts, so recording is a binary search and a few additions instead
 * of the SDK's per-record attribute hashing. Attach it to every metric reader
 * (`new PrometheusExporter({ metricProducers: [producer] })`, or any reader's `metricProducers`)
 * and pass it to `createTradingTelemetry({ histogramProducer })`; startTelemetry does both.
 * The data is what the SDK would export for the same records: same names, units, attributes,
 * buckets, count, sum, min and max, cumulative. A reader that prefers delta temporality still
 * receives cumulative points (marked so), and SDK Views do not apply to these histograms.
 */
export class HistogramProducer implements MetricProducer {
  readonly #families: ProducedFamily[] = [];

  /** Adds a family to what {@link collect} exports. */
  register(family: ProducedFamily): void {
    this.#families.push(family);
  }

  collect(): Promise<CollectionResult> {
    const endTime = hrTime();
    const metrics: HistogramMetricData[] = [];
    for (const family of this.#families) {
      const dataPoints: DataPoint<Histogram>[] = [];
      for (const s of family.series()) {
        const d = s.distribution;
        if (d.count === 0) continue;
        dataPoints.push({
          startTime: s.startTime,
          endTime,
          attributes: s.attributes,
          value: { buckets: { boundaries: [...family.boundaries], counts: Array.from(d.counts) }, count: d.count, sum: d.sum, min: d.min, max: d.max },
        });
      }
      if (dataPoints.length === 0) continue;
      const { name, description, unit } = family.convention;
      metrics.push({
        descriptor: { name, description, unit, valueType: ValueType.DOUBLE },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints,
      });
    }
    // The reader replaces this resource with the SDK's own.
    return Promise.resolve({ resourceMetrics: { resource: emptyResource(), scopeMetrics: metrics.length === 0 ? [] : [{ scope: { name: SCOPE_NAME, version: VERSION }, metrics }] }, errors: [] });
  }
}
