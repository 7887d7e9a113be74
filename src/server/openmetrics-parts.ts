import { bucketIndex } from '../metrics/distribution.js';
import type { PointExemplar } from '../metrics/exemplar-slots.js';

/**
 * A histogram bound as OpenMetrics wants `le` values: the canonical rendering, Go's `%g` (the
 * shortest digits; exponent form below 1e-4 and from 1e6, with a two-digit exponent) with `.0`
 * added when there is neither a point nor an exponent: `0.005`, `1.0`, `5e-05`, `1e+06`.
 */
export function canonicalNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (value !== 0 && (exponent < -4 || exponent >= 6)) {
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  const fixed = String(value);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

/**
 * The exemplar of each bucket, by bucket index, or undefined when there are none: each
 * exemplar goes to the bucket its value falls in, and where two fall in one, the later wins
 * (OpenMetrics allows one per bucket).
 */
export function exemplarsByBucket(boundaries: readonly number[], exemplars: readonly PointExemplar[] | undefined): PointExemplar[] | undefined {
  if (exemplars === undefined || exemplars.length === 0) return undefined;
  const byBucket: PointExemplar[] = [];
  for (const exemplar of exemplars) {
    const bucket = bucketIndex(boundaries, exemplar.value);
    const held = byBucket[bucket];
    if (held === undefined || held.timeMillis <= exemplar.timeMillis) byBucket[bucket] = exemplar;
  }
  return byBucket;
}

/**
 * The exemplar part of a sample line: ` # {trace_id="…",span_id="…"} value timestamp`, the
 * timestamp in epoch seconds. The ids are hex from a span context, so nothing needs escaping,
 * and the label set (63 characters) is well inside OpenMetrics' limit of 128.
 */
export function exemplarText(exemplar: PointExemplar): string {
  return ` # {trace_id="${exemplar.traceId}",span_id="${exemplar.spanId}"} ${exemplar.value} ${exemplar.timeMillis / 1000}`;
}
