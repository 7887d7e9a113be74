import { context, isSpanContextValid, propagation, trace } from '@opentelemetry/api';
import { Attr } from '../conventions.js';
import { redactText } from '../secrets.js';
import { CorrelationBaggage } from '../tracing/correlation-baggage.js';

/** The fields every log line written inside a span or order context carries. */
export interface TraceFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
  correlation_id?: string;
}

/** W3C trace flags as two hex digits, for every flags byte. */
const FLAGS_HEX: readonly string[] = Array.from({ length: 256 }, (_, flags) => flags.toString(16).padStart(2, '0'));

/**
 * The active trace and order context as log fields: `trace_id`, `span_id`, `trace_flags`
 * (W3C hex) and `correlation_id`. Empty outside any span or order. This is the pino mixin,
 * so it works the same in ESM and CommonJS, with no loader hooks.
 */
export function traceFields(): TraceFields {
  const fields: TraceFields = {};
  const active = context.active();
  const spanContext = trace.getSpanContext(active);
  if (spanContext !== undefined && isSpanContextValid(spanContext)) {
    fields.trace_id = spanContext.traceId;
    fields.span_id = spanContext.spanId;
    fields.trace_flags = FLAGS_HEX[spanContext.traceFlags] ?? spanContext.traceFlags.toString(16).padStart(2, '0');
  }
  const baggage = propagation.getBaggage(active);
  const correlationId = baggage?.getEntry(Attr.correlationId)?.value;
  // Text from outside: a client order id (an order's own baggage carries it redacted already),
  // or one arrived as baggage from another process.
  if (correlationId !== undefined) fields.correlation_id = baggage instanceof CorrelationBaggage ? correlationId : redactText(correlationId);
  return fields;
}
