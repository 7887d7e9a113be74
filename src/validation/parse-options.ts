import { z } from 'zod';
import { TelemetryConfigError } from '../errors.js';
import { firstIssue } from './issues.js';

/**
 * Validates `options` against a strict schema at start-up (typed as its public options
 * interface by {@link schemaOf}): the parsed value, or a
 * {@link TelemetryConfigError} that names the option (`server.port`), says what is wrong and
 * what was given, and for an unknown key suggests the option it is probably a typo of, or says
 * where a `moved` option went.
 */
export function parseOptions<S extends z.ZodType>(schema: S, options: unknown, prefix = '', moved: Readonly<Record<string, string>> = {}): z.output<S> {
  const result = schema.safeParse(options);
  if (result.success) return result.data;
  const { where, message } = firstIssue(schema, result.error, options, prefix);
  const hint = moved[prefix === '' ? where : where.slice(prefix.length + 1)];
  throw new TelemetryConfigError(where, hint === undefined ? message : `is no longer an option: ${hint}`);
}

/** A schema for a function option (kept by reference; zod's own function schema wraps it). */
export function fn<T extends (...args: never[]) => unknown>(): z.ZodType<T> {
  return z.custom<T>((value) => typeof value === 'function', { message: 'must be a function' });
}

/** A schema for an object option given by reference (a provider, a logger, a class instance): only its type is checked. */
export function instance<T extends object>(what: string, check: (value: object) => boolean = () => true): z.ZodType<T> {
  return z.custom<T>((value) => typeof value === 'object' && value !== null && check(value), { message: `must be ${what}` });
}

/** Milliseconds: a finite number of at least `least` (default 0). */
export const millis = (least = 0): z.ZodNumber => z.number().min(least);

/** A positive integer count. */
export const count = (least = 1): z.ZodNumber => z.number().int().min(least);

/** `T` with every array and property read-only, functions left as they are. */
type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/**
 * Returns `schema` typed as parsing to `T`, and fails to compile unless every value of type `T`
 * passes its input type: the public options interface (written for its TSDoc) and its schema
 * cannot drift. (The output is the input, validated: these schemas do not transform.)
 */
export function schemaOf<T>(): <S extends z.ZodType>(schema: S & (T extends DeepReadonly<z.input<S>> ? unknown : never)) => z.ZodType<T> {
  return (schema) => schema as z.ZodType<T>;
}

/** A check for {@link instance}: the object has these methods. */
export function hasMethods(...names: readonly string[]): (value: object) => boolean {
  return (value) => names.every((name) => typeof (value as Record<string, unknown>)[name] === 'function');
}
