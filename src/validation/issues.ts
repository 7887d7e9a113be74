import type { z } from 'zod';
import { isSecretName, redactSecrets } from '../secrets.js';

/** Edit distance between two short names, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/** The known name closest to `name`, when it is close enough to be a typo. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** The keys a strict object schema accepts at `path` (for suggestions on an unknown key). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const segment of path) current = childSchema(current, segment);
  const shape = objectShape(current);
  return shape === undefined ? [] : Object.keys(shape);
}

/** The schema of `segment` inside `schema`, through optional, nullable, union and array wrappers. */
function childSchema(schema: unknown, segment: PropertyKey): unknown {
  const shape = objectShape(schema);
  if (shape !== undefined) return shape[String(segment)];
  const def = definition(schema);
  return def?.element ?? def?.innerType;
}

function definition(schema: unknown): { shape?: Record<string, unknown>; innerType?: unknown; element?: unknown; options?: unknown[] } | undefined {
  return (schema as { def?: { shape?: Record<string, unknown>; innerType?: unknown; element?: unknown; options?: unknown[] } } | undefined)?.def;
}

function objectShape(schema: unknown): Record<string, unknown> | undefined {
  let current = schema;
  for (let i = 0; i < 8 && current !== undefined; i++) {
    const def = definition(current);
    if (def?.shape !== undefined) return def.shape;
    const objectOption = def?.options?.find((option) => definition(option)?.shape !== undefined);
    current = objectOption ?? def?.innerType;
  }
  return undefined;
}

/** A dotted path (`server.port`, `rules[0].name`) under an optional prefix. */
export function pathText(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/** What went wrong with one value, as one line naming where and what to change. */
export interface IssueText {
  /** Where: the option path or parameter name. */
  readonly where: string;
  readonly message: string;
}

function received(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  try {
    const text = JSON.stringify(redactSecrets(value));
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  } catch {
    return typeof value;
  }
}

/** The value at `path` inside `input`, for the "got …" part of a message. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * For a union (`false` or an object), the issue of the branch the value was meant for: the one
 * that got past the value's type. Its path is made absolute.
 */
function specific(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const branches = issue.errors.filter((branch) => branch.length > 0);
  const meant = branches.find((branch) => branch.some((i) => i.path.length > 0 || i.code === 'unrecognized_keys')) ?? branches[0];
  const inner = meant?.find((i) => i.path.length > 0 || i.code === 'unrecognized_keys') ?? meant?.[0];
  return inner === undefined ? issue : specific({ ...inner, path: [...issue.path, ...inner.path] });
}

/**
 * The first issue of a failed parse, phrased for a person: where it is, what is wrong, what
 * was given, and for an unknown key the known key it is probably a typo of.
 */
export function firstIssue(schema: z.ZodType, error: z.ZodError, input: unknown, prefix: string): IssueText {
  const first = error.issues[0];
  if (first === undefined) return { where: prefix || 'value', message: 'is invalid' };
  const issue = specific(first);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const known = knownKeys(schema, issue.path);
    const near = nearestName(key, known);
    const hint = near === undefined ? `known: ${known.join(', ')}` : `did you mean ${near}?`;
    return { where: pathText(prefix, [...issue.path, key]), message: `is not an option (${hint})` };
  }
  // A credential's value is never echoed: error messages end up in logs.
  const secret = issue.path.some((segment) => typeof segment === 'string' && isSecretName(segment));
  const got = secret ? '' : ` (got ${received(valueAt(input, issue.path))})`;
  return { where: pathText(prefix, issue.path) || 'value', message: `${issue.message}${got}` };
}
