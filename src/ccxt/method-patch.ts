import type { Method } from './ccxt-shapes.js';

/** Whether `value` is a promise or another thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Calls `settled` once `result` settles (at once for a plain value) and returns what the caller
 * must get: the same value, or the same rejection. `settled` is the instrumentation's own code;
 * what it throws is handed to `report`, never to the caller.
 */
export function whenSettled(result: unknown, settled: (failed: boolean, outcome: unknown) => void, report: (error: unknown) => void): unknown {
  const observe = (failed: boolean, outcome: unknown): void => {
    try {
      settled(failed, outcome);
    } catch (error) {
      report(error);
    }
  };
  if (!isThenable(result)) {
    observe(false, result);
    return result;
  }
  return result.then(
    (value) => {
      observe(false, value);
      return value;
    },
    (error: unknown) => {
      observe(true, error);
      throw error;
    },
  );
}

/**
 * Replaces the method `name` of `target` (an exchange or a ccxt client) by `wrap(original)`, as
 * an own property, so the instance is instrumented and its class is not. ccxt copies every
 * method onto each instance under its snake_case name too (`create_order`); `aliases` lists
 * those copies, which get the wrapped method as well.
 */
export function patchMethod(target: Record<string, unknown>, name: string, wrap: (original: Method) => Method, aliases: readonly string[] = []): void {
  const original = target[name];
  if (typeof original !== 'function') return;
  const wrapped = wrap(original as Method);
  for (const key of [name, ...aliases]) {
    if (Object.hasOwn(target, key)) target[key] = wrapped;
    else Object.defineProperty(target, key, { value: wrapped, writable: true, configurable: true, enumerable: false });
  }
}

/** ccxt's snake_case copies of camelCase methods (`create_order`). */
const SNAKE_CASE = /^[a-z0-9]+(?:_[a-z0-9]+)+$/;

/** Per method, the own properties of `target` that hold the same function under its snake_case name. */
export function aliasesOf(target: Record<string, unknown>): (name: string) => string[] {
  const byFunction = new Map<unknown, string[]>();
  for (const key of Object.keys(target)) {
    const value = target[key];
    if (typeof value !== 'function' || !SNAKE_CASE.test(key)) continue;
    const names = byFunction.get(value);
    if (names === undefined) byFunction.set(value, [key]);
    else names.push(key);
  }
  return (name) => (byFunction.get(target[name]) ?? []).filter((key) => key !== name);
}
