/**
 * What counts as a secret, for logs and span attributes: any field whose name looks like a
 * credential (API keys, secrets, passphrases, signatures, passwords, tokens, authorization
 * headers, private keys) at any depth, and `key=value` pairs of those names inside strings.
 */
const SECRET_NAME = /(api[-_]?key|secret|passphrase|signature|password|passwd|token|authorization|private[-_]?key|^key$|[-_]key$)/i;
const SECRET_PAIR = /\b(api[-_]?key|secret|passphrase|signature|password|token|authorization)(["']?\s*[:=]\s*["']?)(?:Bearer\s+)?[^\s"',;&]+/gi;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]+/g;

/** The replacement for a redacted value. */
export const REDACTED = '[Redacted]';

/** Field names already classified: log lines repeat the same few names, so most are a lookup. */
const knownNames = new Map<string, boolean>();
const KNOWN_NAMES_LIMIT = 4096;

/** Whether a field named `name` holds a secret. */
export function isSecretName(name: string): boolean {
  const known = knownNames.get(name);
  if (known !== undefined) return known;
  const secret = SECRET_NAME.test(name);
  if (knownNames.size < KNOWN_NAMES_LIMIT) knownNames.set(name, secret);
  return secret;
}

/** `text` with `apiKey=…`-style pairs and bearer tokens replaced. */
export function redactText(text: string): string {
  if (!/(key|secret|passphrase|signature|password|token|authorization|bearer)/i.test(text)) return text;
  return text.replace(SECRET_PAIR, (_match, name: string, separator: string) => `${name}${separator}${REDACTED}`).replace(BEARER, `Bearer ${REDACTED}`);
}

/**
 * A copy of `value` with secrets replaced, to at most `depth` levels; `value` itself when it
 * holds none (the common case allocates nothing). Cycles and deep nesting are cut, not followed.
 */
export function redactSecrets<T>(value: T, depth = 8): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (typeof value !== 'object' || value === null || depth === 0) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const redacted = redactSecrets(item, depth - 1);
      if (redacted !== item) (copy ??= [...value])[index] = redacted;
    });
    return (copy ?? value) as T;
  }
  if (value instanceof Error || value instanceof Date || Buffer.isBuffer(value)) return value;
  let copy: Record<string, unknown> | undefined;
  const fields = value as Record<string, unknown>;
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    const item = fields[key];
    const redacted = isSecretName(key) && item !== undefined && item !== null ? REDACTED : redactSecrets(item, depth - 1);
    if (redacted !== item) (copy ??= { ...fields })[key] = redacted;
  }
  return (copy ?? value) as T;
}
