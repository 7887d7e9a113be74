import { type Baggage, type BaggageEntry, propagation } from '@opentelemetry/api';
import { Attr } from '../conventions.js';

/**
 * The baggage of an order started with no baggage of its own to inherit: the one entry
 * `trading.correlation_id`. It is what `propagation.createBaggage` would build, read the same
 * way by every propagator (they go through the Baggage interface), without the copy of the
 * entries into a Map that the API's implementation makes: an order's context is built once per
 * order, on the trading path. Changing it builds the API's own baggage. Its id is always one
 * boundedCorrelationId made (bounded, credentials redacted): log lines carry it as it is.
 */
export class CorrelationBaggage implements Baggage {
  readonly #entry: BaggageEntry;

  constructor(correlationId: string) {
    this.#entry = Object.freeze({ value: correlationId });
  }

  getEntry(key: string): BaggageEntry | undefined {
    return key === Attr.correlationId ? this.#entry : undefined;
  }

  getAllEntries(): [string, BaggageEntry][] {
    return [[Attr.correlationId, this.#entry]];
  }

  setEntry(key: string, entry: BaggageEntry): Baggage {
    return this.#materialized().setEntry(key, entry);
  }

  removeEntry(key: string): Baggage {
    return this.#materialized().removeEntry(key);
  }

  removeEntries(...keys: string[]): Baggage {
    return this.#materialized().removeEntries(...keys);
  }

  clear(): Baggage {
    return propagation.createBaggage();
  }

  #materialized(): Baggage {
    return propagation.createBaggage({ [Attr.correlationId]: this.#entry });
  }
}
