import pino, { type DestinationStream } from 'pino';
import { redactSecrets } from '../../src/secrets.js';
import type { Suite } from '../harness.js';
import { previousRedactSecrets } from './walker-before-14.js';

/** Takes each serialised line and drops it: the logging cost without the I/O. */
const nullStream: DestinationStream = { write: () => undefined };

/** The field names pino's own redaction is told, at the top level and one level down. */
const NAMES = ['apiKey', 'api_key', 'secret', 'apiSecret', 'passphrase', 'signature', 'password', 'token', 'authorization', 'privateKey', 'key'];
const PATHS = [...NAMES, ...NAMES.map((name) => `*.${name}`), 'headers["x-mbx-apikey"]', 'headers["ok-access-sign"]'];

/** A typical order log line's fields, no secret among them. */
const CLEAN = { symbol: 'BTC-USDT', side: 'buy', quantity: 0.01, price: 50_000, exchangeOrderId: 'EX-42', latencyMs: 4.2 };
/** The same with a credential two levels down, as an exchange client's error carries it. */
const DIRTY = { ...CLEAN, request: { url: '/api/v3/order', headers: { 'x-mbx-apikey': 'AKIA-not-a-real-key', accept: 'application/json' } } };

/**
 * What redaction costs one log line, clean and with a secret, through pino to a null stream:
 * the walker before #14, pino's own `redact` (fast-redact, compiled paths) for the same names at
 * the top level and one level down, and the walker of src/secrets.ts (any depth, Errors, text).
 * pino's paths cannot say "any field named like a key, at any depth", nor look inside text, so
 * they serve only as the speed reference: the package uses the walker.
 */
export function redactionCostSuite(): Suite {
  const previous = pino({ formatters: { log: (o) => previousRedactSecrets(o) } }, nullStream);
  const fastRedact = pino({ redact: { paths: PATHS, censor: '[Redacted]' } }, nullStream);
  const current = pino({ formatters: { log: (o) => redactSecrets(o) } }, nullStream);
  const none = pino({}, nullStream);
  return {
    title: 'Redaction of one log line (pino to a null stream)',
    cases: [
      { name: 'no redaction, clean', fn: () => none.info(CLEAN, 'order acknowledged') },
      { name: 'walker before #14, clean', fn: () => previous.info(CLEAN, 'order acknowledged') },
      { name: 'pino redact paths, clean', fn: () => fastRedact.info(CLEAN, 'order acknowledged') },
      { name: 'walker now, clean', fn: () => current.info(CLEAN, 'order acknowledged') },
      { name: 'walker before #14, secret', fn: () => previous.info(DIRTY, 'order failed') },
      { name: 'pino redact paths, secret', fn: () => fastRedact.info(DIRTY, 'order failed') },
      { name: 'walker now, secret', fn: () => current.info(DIRTY, 'order failed') },
    ],
    ratios: [
      ['walker now, clean', 'walker before #14, clean'],
      ['walker now, clean', 'pino redact paths, clean'],
      ['walker now, clean', 'no redaction, clean'],
      ['walker now, secret', 'walker before #14, secret'],
      ['walker now, secret', 'pino redact paths, secret'],
    ],
  };
}
