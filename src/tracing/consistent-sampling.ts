import { createTraceState, type TraceState } from '@opentelemetry/api';

/**
 * OpenTelemetry's consistent probability sampling (tracestate `ot=th:…;rv:…`): a trace is kept
 * with probability p when its randomness R (56 bits) is at least the rejection threshold
 * T = (1 − p) · 2^56. R is the tracestate's `rv` when there is one, else the trace id's last 14
 * hex digits (our ids are random); it is written out as `rv`, so any later sampler (the
 * Collector's) reads the same R, and span-derived counts can be reweighted by 1/p.
 * Compared as fixed-width hex strings: no BigInt on the way.
 * https://opentelemetry.io/docs/specs/otel/trace/tracestate-probability-sampling/
 */

/** The threshold of probability 1: keep everything. */
export const KEEP_ALL_THRESHOLD = '00000000000000';

/** The 14-hex-digit rejection threshold of probability `p` (clamped to [2^-56, 1]). */
export function thresholdHex(p: number): string {
  if (!(p < 1)) return KEEP_ALL_THRESHOLD;
  const rejected = Math.max(0, 1 - Math.max(p, 2 ** -56));
  // 48 bits of precision, then the low 8 bits zero: within 2^-48 of the exact threshold.
  const high = Math.min(2 ** 48 - 1, Math.round(rejected * 2 ** 48));
  return `${high.toString(16).padStart(12, '0')}00`;
}

/** The sub-keys of an `ot` tracestate value (`th:…;rv:…`), in order. */
function otFields(traceState: TraceState | undefined): [string, string][] {
  const value = traceState?.get('ot');
  if (value === undefined) return [];
  return value.split(';').flatMap((field) => {
    const colon = field.indexOf(':');
    return colon > 0 ? [[field.slice(0, colon), field.slice(colon + 1)] as [string, string]] : [];
  });
}

/** The randomness of a trace (14 hex digits): the tracestate's `rv` when valid, else the trace id's last 14 digits. */
export function randomnessOf(traceId: string, traceState?: TraceState): string {
  const rv = traceState === undefined ? undefined : otFields(traceState).find(([key]) => key === 'rv')?.[1];
  return rv !== undefined && /^[0-9a-f]{14}$/.test(rv) ? rv : traceId.slice(18).toLowerCase();
}

/** Whether a trace with this randomness is kept at this threshold (both 14 hex digits). */
export function keptAt(randomness: string, threshold: string): boolean {
  return randomness >= threshold;
}

/**
 * `traceState` (or a new one) with its `ot` entry saying the span was kept at `threshold` with
 * `randomness`: th with trailing zeros trimmed, as the spec asks, other `ot` sub-keys and other
 * vendors' entries kept.
 */
export function withSamplingThreshold(traceState: TraceState | undefined, threshold: string, randomness: string): TraceState {
  const th = threshold.replace(/0+$/, '') || '0';
  const others = otFields(traceState).filter(([key]) => key !== 'th' && key !== 'rv');
  const value = [`th:${th}`, `rv:${randomness}`, ...others.map(([key, v]) => `${key}:${v}`)].join(';');
  return (traceState ?? createTraceState()).set('ot', value);
}
