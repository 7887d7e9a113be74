/**
 * The one redaction mechanism, for every sink: log lines and their OTLP records, span
 * attributes, events, status and exception messages, API responses, notifications and
 * incidents. Two passes:
 * - structured: a field whose name looks like a credential is replaced whole, at any depth
 *   (deeper than {@link MAX_DEPTH} levels nothing is passed on: it is cut);
 * - free text: every string (messages, Error messages and stacks, values) loses the credential
 *   in `name=value`, `name: value` and `"name":"value"` shapes, URL query parameters, and
 *   `Authorization`/`Bearer` headers, whatever the scheme.
 * The common case (nothing to redact) allocates nothing and returns its input.
 */

/**
 * A credential's name, as a field, a header or a query parameter: API keys (`apiKey`,
 * `X-MBX-APIKEY`, `OK-ACCESS-KEY`), secrets, passphrases, signatures and signing headers
 * (`signature`, `sig`, `OK-ACCESS-SIGN`, `CB-ACCESS-SIGN`, Kraken's `API-Sign`), HMACs,
 * passwords, tokens, `authorization`/`auth`, credentials, private keys, cookies, and any name
 * ending in `_key`/`-key`/`.key`.
 */
const SECRET_WORD = String.raw`(?:api[-_]?key|apikey|secret|passphrase|signature|sig|sign|hmac|password|passwd|pwd|token|authorization|auth|credentials?|private[-_]?key|key|cookie)`;
const SECRET_NAME = new RegExp(String.raw`^(?:.*[-_.])?${SECRET_WORD}s?$|api[-_]?key|apikey|secret|passphrase|signature|password|passwd|token|authorization|credential|private[-_]?key`, 'i');

/**
 * A `name` followed by `=` or `:` inside free text (the separator may carry quotes, as in
 * JSON); the name is then judged by {@link isSecretName}, and only then is the value read.
 */
const TEXT_NAME = /\b([A-Za-z][A-Za-z0-9_.-]{0,63})(\s*["']?\s*[:=]\s*["']?)/g;
/** The value after a secret's name; an `Authorization` value's scheme (`Basic`, `Bearer`, …) is part of it. */
const TEXT_VALUE = /(?!\[Redacted\])(?:(?:Bearer|Basic|Digest|Token|Bot|HMAC-SHA256|Signature)\s+)?[^\s"'&,;)}\]]+/y;
const BEARER = /\bBearer\s+(?!\[Redacted\])[A-Za-z0-9._~+/=-]{4,}/g;
/** Strings that cannot hold a credential are left alone without running the patterns. */
const MAYBE_SECRET = /key|secret|passphrase|sig|hmac|pass|pwd|token|auth|credential|cookie|bearer|basic/i;

/** The replacement for a redacted value. */
export const REDACTED = '[Redacted]';

/** The replacement for what lies deeper than {@link MAX_DEPTH} levels. */
export const TRUNCATED = '[Truncated]';

/** Nesting passed on whole; deeper values are cut, since they were not looked into. */
export const MAX_DEPTH = 8;

/** Field names already classified: log lines repeat the same few names, so most are a lookup. */
const knownNames = new Map<string, boolean>();
const KNOWN_NAMES_LIMIT = 4096;

/** Whether a field, header or parameter named `name` holds a secret. */
export function isSecretName(name: string): boolean {
  const known = knownNames.get(name);
  if (known !== undefined) return known;
  const secret = SECRET_NAME.test(name);
  if (knownNames.size < KNOWN_NAMES_LIMIT) knownNames.set(name, secret);
  return secret;
}

/** `text` with the value after every secret's name replaced. */
function redactPairs(text: string): string {
  let out = '';
  let kept = 0;
  for (const match of text.matchAll(TEXT_NAME)) {
    if (match.index < kept || !isSecretName(match[1] ?? '')) continue; // inside a value already cut, or not a secret
    const valueAt = match.index + match[0].length;
    TEXT_VALUE.lastIndex = valueAt;
    const value = TEXT_VALUE.exec(text);
    if (value === null) continue;
    out += `${text.slice(kept, valueAt)}${REDACTED}`;
    kept = valueAt + value[0].length;
  }
  return kept === 0 ? text : out + text.slice(kept);
}

/** `text` with every credential it shows replaced by {@link REDACTED}. */
export function redactText(text: string): string {
  if (typeof text !== 'string' || !MAYBE_SECRET.test(text)) return text;
  return redactPairs(text).replace(BEARER, `Bearer ${REDACTED}`);
}

/** A copy of `error` (same prototype, so `instanceof` and `name` hold) with its message, stack and fields redacted; `error` itself when clean. */
function redactError(error: Error, depth: number, ancestors: object[]): Error {
  const message = redactText(error.message);
  const stack = error.stack === undefined ? undefined : redactText(error.stack);
  const fields = redactFields(error as unknown as Record<string, unknown>, depth, ancestors);
  const cause: unknown = error.cause;
  const redactedCause = cause === undefined ? undefined : redactValue(cause, depth - 1, ancestors);
  if (message === error.message && stack === error.stack && (fields as unknown) === error && redactedCause === cause) return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  Object.assign(copy, fields);
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  Object.defineProperty(copy, 'stack', { value: stack, writable: true, configurable: true });
  if (cause !== undefined) Object.defineProperty(copy, 'cause', { value: redactedCause, writable: true, configurable: true });
  return copy;
}

/** `fields` with secret-named and nested secrets redacted; `fields` itself when clean. */
function redactFields(fields: Record<string, unknown>, depth: number, ancestors: object[]): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const item = fields[key];
    const redacted = isSecretName(key) && item !== undefined && item !== null && item !== '' ? REDACTED : redactValue(item, depth - 1, ancestors);
    if (redacted !== item) (copy ??= { ...fields })[key] = redacted;
  }
  return copy ?? fields;
}

function redactValue(value: unknown, depth: number, ancestors: object[]): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth < 0) return TRUNCATED;
  if (value instanceof Date || Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return value;
  // The objects being looked into, outermost first: at most MAX_DEPTH, so a scan is cheaper than a WeakSet per call.
  if (ancestors.includes(value)) return '[Circular]';
  ancestors.push(value);
  try {
    if (value instanceof Error) return redactError(value, depth, ancestors);
    if (Array.isArray(value)) {
      const items = value as readonly unknown[];
      let copy: unknown[] | undefined;
      items.forEach((item, index) => {
        const redacted = redactValue(item, depth - 1, ancestors);
        if (redacted !== item) (copy ??= [...items])[index] = redacted;
      });
      return copy ?? value;
    }
    if (value instanceof Map || value instanceof Set) return value; // not serialized field by field by any sink
    return redactFields(value as Record<string, unknown>, depth, ancestors);
  } finally {
    ancestors.pop();
  }
}

/**
 * `value` with every secret replaced: fields named like a credential (at any depth), the
 * credentials inside every string, Error messages and stacks (the copy keeps the Error's
 * prototype). Nesting deeper than {@link MAX_DEPTH} is replaced by {@link TRUNCATED}, cycles by
 * `[Circular]`. Returns `value` itself when it holds no secret. Never throws.
 */
export function redactSecrets<T>(value: T): T {
  try {
    return redactValue(value, MAX_DEPTH, []) as T;
  } catch {
    return REDACTED as T; // a getter that throws, a hostile proxy: pass nothing on
  }
}
