import { diag, type Meter } from '@opentelemetry/api';
import { Instruments, type LifecycleError } from '../conventions.js';
import { observeInstrument } from '../metrics/observable.js';

/**
 * Counts order lifecycle calls that did not fit the lifecycle (a fill for an unknown order,
 * finishing twice, ...) as `trading.telemetry.lifecycle_errors{reason}`. They never throw
 * into trading code; the first of each reason is also reported through `diag`.
 */
export class LifecycleErrors {
  readonly #counts = new Map<LifecycleError, number>();

  constructor(meter: Meter) {
    observeInstrument(meter, Instruments.lifecycleErrors, (result) => {
      for (const [reason, count] of this.#counts) result.observe(count, { reason });
    });
  }

  count(reason: LifecycleError, detail: string): void {
    const count = this.#counts.get(reason) ?? 0;
    if (count === 0) diag.warn(`trading-telemetry: order lifecycle ${reason}: ${detail}. Further ones are only counted.`);
    this.#counts.set(reason, count + 1);
  }

  /** How many of `reason` were counted. */
  of(reason: LifecycleError): number {
    return this.#counts.get(reason) ?? 0;
  }
}
