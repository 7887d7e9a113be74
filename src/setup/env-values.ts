import { z } from 'zod';
import { TelemetryConfigError } from '../errors.js';

/** The environment startTelemetry reads. */
export type Env = Readonly<Record<string, string | undefined>>;

export const httpUrl = z.url({ protocol: /^https?$/ });
export const positiveInt = z.coerce.number().int().positive();

/** Parses `value` with `schema`, or throws a TelemetryConfigError naming `setting`. */
export function parse<T>(setting: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new TelemetryConfigError(setting, `${issue?.message ?? 'invalid'} (got ${JSON.stringify(value)})`);
}

/** As {@link parse}, and undefined for a value that is not set (or empty). */
export function optional<T>(setting: string, schema: z.ZodType<T>, value: unknown): T | undefined {
  return value === undefined || value === '' ? undefined : parse(setting, schema, value);
}

export function appendPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/**
 * One signal's OTLP/HTTP URL, first found of: the full URL given in code, the base endpoint
 * given in code plus `path`, the signal's own variable (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, …),
 * and `OTEL_EXPORTER_OTLP_ENDPOINT` plus `path`. Undefined when none is set.
 */
export function signalUrl(code: { readonly full: string | undefined; readonly base: string | undefined }, variable: string, env: Env, path: string): string | undefined {
  return (
    code.full ??
    (code.base === undefined ? undefined : appendPath(code.base, path)) ??
    optional(variable, httpUrl, env[variable]) ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT ? appendPath(parse('OTEL_EXPORTER_OTLP_ENDPOINT', httpUrl, env.OTEL_EXPORTER_OTLP_ENDPOINT), path) : undefined)
  );
}
