import { randomBytes } from 'node:crypto';
import { type Context, context, propagation } from '@opentelemetry/api';
import { Attr } from '../conventions.js';

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
 * `ctx` carrying `correlationId` as W3C baggage `trading.correlation_id`: read back by
 * {@link correlationIdOf}, and carried across process boundaries by {@link inject} (and by
 * any instrumentation that propagates baggage).
 */
export function contextWithCorrelationId(correlationId: string, ctx: Context = context.active()): Context {
  const entry = { value: correlationId };
  const inherited = propagation.getBaggage(ctx);
  const baggage = inherited === undefined ? propagation.createBaggage({ [Attr.correlationId]: entry }) : inherited.setEntry(Attr.correlationId, entry);
  return propagation.setBaggage(ctx, baggage);
}

/** The correlation id active in `ctx`, set here or arrived as baggage from another process. */
export function correlationIdOf(ctx: Context = context.active()): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(Attr.correlationId)?.value;
}

/** Runs `fn` with `correlationId` active (in context and baggage). */
export function withCorrelationId<T>(correlationId: string, fn: () => T): T {
  return context.with(contextWithCorrelationId(correlationId), fn);
}
