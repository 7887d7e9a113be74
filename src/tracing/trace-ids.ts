import { INVALID_SPANID, INVALID_TRACEID, type SpanContext, type TraceState } from '@opentelemetry/api';
import { randomHex } from './random-bytes.js';

/**
 * Where tail-kept orders get their trace and span ids: the shape of the SDK's `IdGenerator`,
 * so a test can hand the same deterministic one to an SDK provider and to the orders.
 */
export interface TraceIdSource {
  /** 32 lowercase hex digits, not all zero. */
  generateTraceId(): string;
  /** 16 lowercase hex digits, not all zero. */
  generateSpanId(): string;
}

/** `bytes` random bytes as hex, drawn again in the (2^-64 or rarer) case they are all zero, which W3C calls invalid. */
function validHex(bytes: number, invalid: string): string {
  let hex = randomHex(bytes);
  while (hex === invalid) hex = randomHex(bytes);
  return hex;
}

/**
 * W3C-valid random ids from the pooled system generator. Every digit is random, so a trace id's
 * last 14 digits are the randomness consistent probability sampling reads.
 */
export const RANDOM_IDS: TraceIdSource = {
  generateTraceId: () => validHex(16, INVALID_TRACEID),
  generateSpanId: () => validHex(8, INVALID_SPANID),
};

/** A local span context; `traceState` left out when there is none. */
export function spanContextOf(traceId: string, spanId: string, traceFlags: number, traceState: TraceState | undefined): SpanContext {
  return traceState === undefined ? { traceId, spanId, traceFlags } : { traceId, spanId, traceFlags, traceState };
}

/** `spanContext` carrying `traceState` instead of its own: itself when it already does. */
export function withTraceState(spanContext: SpanContext, traceState: TraceState | undefined): SpanContext {
  if (spanContext.traceState === traceState) return spanContext;
  const { traceId, spanId, traceFlags, isRemote } = spanContext;
  const local = spanContextOf(traceId, spanId, traceFlags, traceState);
  return isRemote === undefined ? local : { ...local, isRemote };
}
