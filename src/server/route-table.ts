import { HttpError } from './http-error.js';

/** Request methods routes are registered for. HEAD is answered by GET routes. */
export type Method = 'GET' | 'POST' | 'DELETE';

/** One compiled path pattern: literal segments, and `:name` segments that capture. */
interface Pattern<T> {
  readonly segments: readonly string[];
  readonly handlers: Map<Method, T>;
}

/** What a lookup found. */
export type RouteMatch<T> =
  | { readonly kind: 'found'; readonly value: T; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'method'; readonly allow: readonly string[] }
  | { readonly kind: 'missing' };

/**
 * Path patterns to handlers, per method. A pattern is literal segments and `:name` captures
 * (`/api/alerts/:id/ack`); a capture matches one non-empty segment and is percent-decoded once
 * here (a malformed encoding is a 400), so no handler parses the path again. Literal segments
 * match only as written: nothing maps onto the file system.
 */
export class RouteTable<T> {
  readonly #exact = new Map<string, Pattern<T>>();
  readonly #patterns: Pattern<T>[] = [];

  add(method: Method, path: string, value: T): void {
    const segments = path.split('/').slice(1);
    const dynamic = segments.some((s) => s.startsWith(':'));
    const existing = dynamic ? this.#patterns.find((p) => p.segments.join('/') === segments.join('/')) : this.#exact.get(path);
    const pattern = existing ?? { segments, handlers: new Map<Method, T>() };
    if (pattern.handlers.has(method)) throw new Error(`route ${method} ${path} is registered twice`);
    pattern.handlers.set(method, value);
    if (existing === undefined) {
      if (dynamic) this.#patterns.push(pattern);
      else this.#exact.set(path, pattern);
    }
  }

  /** @throws HttpError 400 when a captured segment has a malformed percent-encoding. */
  find(method: string, path: string): RouteMatch<T> {
    let params: Record<string, string> = {};
    let pattern = this.#exact.get(path);
    if (pattern === undefined) {
      const segments = path.split('/').slice(1);
      for (const candidate of this.#patterns) {
        const captured = capture(candidate.segments, segments);
        if (captured !== undefined) {
          pattern = candidate;
          params = captured;
          break;
        }
      }
    }
    if (pattern === undefined) return { kind: 'missing' };
    const value = pattern.handlers.get((method === 'HEAD' ? 'GET' : method) as Method);
    if (value === undefined) {
      const allow = [...pattern.handlers.keys()].flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]));
      return { kind: 'method', allow };
    }
    return { kind: 'found', value, params };
  }
}

function capture(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] ?? '';
    const actual = segments[i] ?? '';
    if (expected.startsWith(':')) {
      if (actual === '') return undefined;
      params[expected.slice(1)] = decodeSegment(actual);
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in path segment "${segment.slice(0, 64)}"`);
  }
}
