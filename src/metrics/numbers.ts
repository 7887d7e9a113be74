import type { MeasurementRejection } from '../conventions.js';

/**
 * The largest magnitude a measurement may have. Nothing in trading (prices, quantities in the
 * smallest unit, balances in wei) comes near it, while values near Number.MAX_VALUE are
 * always a caller bug, and sums of them overflow to Infinity.
 */
export const MAX_MAGNITUDE = 1e100;

/** Whether `value` is a count: a safe integer ≥ 0 (orders, trades, messages). */
export function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Whether `value` is a non-negative measurement (durations, ratios) within {@link MAX_MAGNITUDE}. */
export function isNonNegativeAmount(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_MAGNITUDE;
}

/** Whether `value` is a signed measurement (positions, balances, P&L, slippage) within {@link MAX_MAGNITUDE}. */
export function isAmount(value: unknown): value is number {
  return typeof value === 'number' && value >= -MAX_MAGNITUDE && value <= MAX_MAGNITUDE;
}

/** Why a number that failed one of the checks above was refused. */
export function numberProblem(value: unknown): MeasurementRejection {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'non_finite';
  return value < 0 ? 'negative' : 'out_of_range';
}
