/**
 * A short, printable description of any value a JS caller may pass, for refusal messages.
 * Never throws: not for BigInt, symbols, revoked proxies, or objects without a prototype.
 */
export function describeValue(value: unknown): string {
  try {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
      case 'number':
      case 'boolean':
      case 'bigint':
      case 'undefined':
        return String(value);
      case 'symbol':
        return value.toString();
      case 'function':
        return 'a function';
      default:
        return value === null ? 'null' : Object.prototype.toString.call(value);
    }
  } catch {
    return 'an unprintable value';
  }
}
