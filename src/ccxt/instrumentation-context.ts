import type { Tracer } from '@opentelemetry/api';
import type { ExchangeObject } from './ccxt-shapes.js';
import { credentialScrubber } from './credential-scrubber.js';
import { errorClassOf } from './error-classes.js';
import type { InstrumentExchangeOptions } from './instrument-options.js';
import type { Venue } from './venue.js';

/** What every wrapper of one instrumented exchange shares. */
export interface InstrumentationContext {
  readonly exchange: ExchangeObject;
  readonly venue: Venue;
  readonly tracer: Tracer;
  readonly options: InstrumentExchangeOptions;
  /** Makes text from the exchange (an error message) safe for a span, a log line or an API response. */
  readonly scrub: (text: string) => string;
  /** Reports a failure of the instrumentation's own code: logged once, never thrown into trading code. */
  readonly report: (error: unknown) => void;
}

/** The shared context of the wrappers of `exchange`. */
export function instrumentationContext(exchange: ExchangeObject, venue: Venue, options: InstrumentExchangeOptions): InstrumentationContext {
  const scrub = credentialScrubber(exchange);
  let reported = false;
  return {
    exchange,
    venue,
    tracer: venue.internals.tracer,
    options,
    scrub,
    report: (error) => {
      if (reported) return;
      reported = true;
      const message = error instanceof Error ? scrub(error.message) : errorClassOf(error);
      venue.internals.logger.warn({ exchange: venue.exchange }, `the ccxt instrumentation of ${venue.exchange} failed (${message}); the exchange call went ahead untouched. Further failures are not logged.`);
    },
  };
}
