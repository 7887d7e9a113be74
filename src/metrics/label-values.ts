/**
 * Label values that may reach an exported series: 1 to 64 characters of letters, digits and
 * `_ . : / @ + -`. That covers every exchange, symbol, asset and strategy name we have seen
 * (`BTC-USDT`, `ETH/USD`, `binance:spot`) and keeps quotes, newlines, spaces and unbounded
 * strings out of Prometheus and OTLP.
 */
const LABEL_VALUE = /^[A-Za-z0-9_.:/@+-]{1,64}$/;

/** Whether `value` may be used as a free-form label value (exchange, symbol, asset, strategy). */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && LABEL_VALUE.test(value);
}

/**
 * A map key for a tuple of label values, or undefined when one of them is neither a string
 * nor undefined (so building the key cannot call a caller's toString, or throw).
 */
export function labelKey(...values: unknown[]): string | undefined {
  let key = '';
  for (const value of values) {
    if (value === undefined) key += '\u001f';
    else if (typeof value === 'string') key += `${value}\u001f`;
    else return undefined;
  }
  return key;
}

/** Whether `value` is one of the members of a closed set (side, stage, status, reason, ...). */
export function isOneOf<T extends string>(members: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (members as readonly string[]).includes(value);
}
