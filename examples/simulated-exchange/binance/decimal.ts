/**
 * Decimal strings the way Binance writes them: prices, quantities and balances with eight
 * decimals ("49995.00000000"), and the step checks its filters make.
 */

/** `value` with Binance's eight decimals. */
export function decimal(value: number): string {
  return (Object.is(value, -0) ? 0 : value).toFixed(8);
}

/** The number of decimals a step such as 0.00001 has. */
export function decimalsOf(step: number): number {
  const text = step.toString();
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent?.[1] !== undefined) return Number(exponent[1]);
  return text.includes('.') ? (text.split('.')[1]?.length ?? 0) : 0;
}

/** `value` rounded down to a multiple of `step` (the way a lot size truncates a quantity). */
export function floorToStep(value: number, step: number): number {
  return Number((Math.floor(value / step + 1e-9) * step).toFixed(decimalsOf(step)));
}

/** Whether `value` is a whole multiple of `step`, within float noise. */
export function isMultipleOf(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-6;
}

/** A request parameter as a positive finite number, or undefined when it is not one. */
export function positiveNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return value > 0 && Number.isFinite(value) ? value : undefined;
}
