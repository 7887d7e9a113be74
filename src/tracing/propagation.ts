import { type Context, context, propagation, type TextMapGetter } from '@opentelemetry/api';

/** Message headers as plain string fields (HTTP headers, Kafka or WebSocket message headers). */
export type Carrier = Record<string, string | string[] | undefined>;

const getter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const direct = carrier[key] ?? carrier[key.toLowerCase()];
    if (direct !== undefined) return direct;
    const match = Object.keys(carrier).find((k) => k.toLowerCase() === key);
    return match === undefined ? undefined : carrier[match];
  },
};

/**
 * Writes the active trace context (W3C `traceparent`/`tracestate`) and baggage (including
 * `trading.correlation_id`) into `carrier`, so the next process continues the same trace.
 * Uses the globally registered propagator, W3C trace context and baggage under startTelemetry().
 */
export function inject<C extends Carrier>(carrier: C, ctx: Context = context.active()): C {
  propagation.inject(ctx, carrier);
  return carrier;
}

/**
 * The context a message's headers carry, for `context.with(extract(headers), handler)`.
 * Header names are matched case-insensitively. Never throws on malformed headers: they are ignored.
 */
export function extract(carrier: Carrier, ctx: Context = context.active()): Context {
  return propagation.extract(ctx, carrier, getter);
}
