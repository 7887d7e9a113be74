import type { MeasurementRejection } from '../conventions.js';

/** Whether `value` is a finite number ≥ 0 (counts, durations). NaN and ±Infinity are not. */
export function isNonNegative(value: number): boolean {
  return typeof value === 'number' && value >= 0 && value !== Infinity;
}

/** Why a number that failed {@link isNonNegative} was refused. */
export function nonNegativeProblem(value: unknown): MeasurementRejection {
  return typeof value === 'number' && Number.isFinite(value) ? 'negative' : 'non_finite';
}

/** Whether `value` is a finite number (signed gauges, slippage). */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
