import { format } from 'node:util';
import { redactSecrets, redactText } from '../secrets.js';

/** One log call, redacted: its merging object (or Error), and its message formatted from every argument. */
export interface RedactedCall {
  readonly fields: object | undefined;
  readonly message: string | undefined;
}

/**
 * Redacts one pino call. The message is formatted here from the format string and its
 * arguments (`'login %s', 'password=…'`), and the whole text redacted, so a secret split across
 * the two, or in an argument, is caught; the object (an Error too: message, stack, fields) goes
 * through the structured pass.
 */
export function redactedCall(args: readonly unknown[]): RedactedCall {
  const first = args[0];
  const hasFields = typeof first === 'object' && first !== null;
  const start = hasFields ? 1 : 0;
  const fields = hasFields ? redactSecrets(first) : undefined;
  const single = args.length === start + 1 ? args[start] : undefined;
  if (typeof single === 'string') return { fields, message: redactText(single) }; // the common call: no format arguments
  if (args.length === start) return { fields, message: undefined };
  const parts: unknown[] = [];
  // Strings are formatted as given and the whole text redacted after: redacting the format string
  // first would turn `apiKey=%s` into `apiKey=[Redacted]` and leave the argument appended.
  for (let i = start; i < args.length; i++) parts.push(typeof args[i] === 'string' ? args[i] : redactSecrets(args[i]));
  return { fields, message: redactText(format(...parts)) };
}
