import { redactText } from '../secrets.js';

/** The fields of a ccxt exchange that hold credentials (ccxt's `requiredCredentials`). */
const CREDENTIAL_FIELDS = ['apiKey', 'secret', 'password', 'uid', 'login', 'privateKey', 'walletAddress', 'token', 'accountId'] as const;

/** What replaces a credential (the same text `redactText` writes). */
const REDACTED = '[Redacted]';

/** Shorter values are not searched for: they would match ordinary text. */
const SHORTEST_SECRET = 6;

/**
 * A function that makes text from `exchange` (an error message, before it reaches a span, a
 * log line, an order summary or an API response) safe: `signature=…`, `apiKey=…` and similar
 * pairs redacted (ccxt puts the signed URL into its error messages), and the exchange's own
 * credential values too, wherever they appear, plain or URL-encoded. The credentials are read
 * at each call, so keys set after instrumenting are covered.
 */
export function credentialScrubber(exchange: object): (text: string) => string {
  const fields = exchange as Partial<Record<(typeof CREDENTIAL_FIELDS)[number], unknown>>;
  return (text) => {
    let safe = redactText(text);
    for (const field of CREDENTIAL_FIELDS) {
      const value = fields[field];
      if (typeof value !== 'string' || value.length < SHORTEST_SECRET) continue;
      for (const form of new Set([value, encodeURIComponent(value)])) if (safe.includes(form)) safe = safe.split(form).join(REDACTED);
    }
    return safe;
  };
}
