import { type Context, context, propagation } from '@opentelemetry/api';
import { Attr } from '../conventions.js';
import { describeValue } from '../metrics/describe-value.js';
import { redactText } from '../secrets.js';
import { CorrelationBaggage } from './correlation-baggage.js';
import { LayeredContext } from './layered-context.js';
import { randomBytes } from './random-bytes.js';

/**
 * A new UUIDv7: 48 bits of Unix milliseconds, then random bits, so ids sort by creation time
 * (handy in logs and incident history) and never collide in practice.
 */
export function newCorrelationId(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70; // version 7
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The longest correlation id carried as given, in characters. Exchanges' client order ids are
 * at most 36 (Binance) or 32 (OKX); a longer id would bloat every log line and span, and W3C
 * baggage caps an entry at 4096 bytes, past which it is silently not propagated.
 */
export const MAX_CORRELATION_ID_LENGTH = 128;

/** FNV-1a over `text` from `seed`, as 8 hex digits. */
function fnv1a(text: string, seed: number): string {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/**
 * `id` as carried in spans, logs, baggage, the API and incidents: itself up to
 * {@link MAX_CORRELATION_ID_LENGTH} characters; a longer one is cut to its first 110 characters
 * plus `~` and a 64-bit hash of the whole, so the same long id always maps to the same carried id
 * (lookups by it still work) and two long ids sharing a prefix stay apart. A credential in it
 * (`token=…`) is carried as `[Redacted]`, the same way for every lookup; two ids that differ in
 * the credential alone are then one.
 */
export function boundedCorrelationId(given: string): string {
  // JS callers may pass anything: it is carried as its text, which must not throw to get.
  const id = redactText(typeof given === 'string' ? given : typeof given === 'number' || typeof given === 'bigint' || typeof given === 'boolean' ? String(given) : describeValue(given));
  if (id.length <= MAX_CORRELATION_ID_LENGTH) return id;
  return `${id.slice(0, 110)}~${fnv1a(id, 0x811c9dc5)}${fnv1a(id, 0x01000193)}`;
}

/**
 * `ctx` carrying `correlationId` as W3C baggage `trading.correlation_id`: read back by
 * {@link correlationIdOf}, and carried across process boundaries by {@link inject} (and by
 * any instrumentation that propagates baggage).
 */
export function contextWithCorrelationId(correlationId: string, ctx: Context = context.active()): Context {
  const id = boundedCorrelationId(correlationId);
  const inherited = propagation.getBaggage(ctx);
  const baggage = inherited === undefined ? new CorrelationBaggage(id) : inherited.setEntry(Attr.correlationId, { value: id });
  return propagation.setBaggage(LayeredContext.over(ctx), baggage);
}

/** The correlation id active in `ctx`, set here or arrived as baggage from another process. */
export function correlationIdOf(ctx: Context = context.active()): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(Attr.correlationId)?.value;
}

/** Runs `fn` with `correlationId` active (in context and baggage; over 128 characters it is carried bounded, see {@link boundedCorrelationId}). */
export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return context.with(contextWithCorrelationId(correlationId), fn);
}
