/*
 * The redaction walker as it was before issue #14, kept only as the baseline of the redaction
 * benchmark (npm run bench): a name regex, a pair regex and a bearer regex, and a walk to 8
 * levels that passed deeper values on. Not used by the package.
 */
const SECRET_NAME = /(api[-_]?key|secret|passphrase|signature|password|passwd|token|authorization|private[-_]?key|^key$|[-_]key$)/i;
const SECRET_PAIR = /\b(api[-_]?key|secret|passphrase|signature|password|token|authorization)(["']?\s*[:=]\s*["']?)(?:Bearer\s+)?[^\s"',;&]+/gi;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]+/g;
const known = new Map<string, boolean>();

function isSecretName(name: string): boolean {
  const cached = known.get(name);
  if (cached !== undefined) return cached;
  const secret = SECRET_NAME.test(name);
  if (known.size < 4096) known.set(name, secret);
  return secret;
}

function redactText(text: string): string {
  if (!/(key|secret|passphrase|signature|password|token|authorization|bearer)/i.test(text)) return text;
  return text.replace(SECRET_PAIR, (_m, name: string, separator: string) => `${name}${separator}[Redacted]`).replace(BEARER, 'Bearer [Redacted]');
}

/** The old walker. */
export function previousRedactSecrets<T>(value: T, depth = 8): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (typeof value !== 'object' || value === null || depth === 0) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const redacted = previousRedactSecrets(item, depth - 1);
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
    const redacted = isSecretName(key) && item !== undefined && item !== null ? '[Redacted]' : previousRedactSecrets(item, depth - 1);
    if (redacted !== item) (copy ??= { ...fields })[key] = redacted;
  }
  return (copy ?? value) as T;
}
