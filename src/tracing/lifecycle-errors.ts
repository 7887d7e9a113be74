import type { Meter } from '@opentelemetry/api';
import { Instruments, LIFECYCLE_ERRORS, type LifecycleError } from '../conventions.js';
import type { TelemetryLogger } from '../telemetry-logger.js';
import { observeInstrument } from '../metrics/observable.js';

/**
 * Counts order lifecycle calls that did not fit the lifecycle (a fill for an unknown order,
 * finishing twice, ...) as `trading.telemetry.lifecycle_errors{reason}`, every reason exported
 * from 0 so a healthy process shows a flat line rather than no data. They never throw into
 * trading code; the first of each reason is also logged, once, through the library logger.
 */
export class LifecycleErrors {
  readonly #counts = new Map<LifecycleError, number>(LIFECYCLE_ERRORS.map((reason) => [reason, 0]));
  readonly #logger: TelemetryLogger;

  constructor(meter: Meter, logger: TelemetryLogger) {
    this.#logger = logger;
    observeInstrument(meter, Instruments.lifecycleErrors, (result) => {
      for (const [reason, count] of this.#counts) result.observe(count, { reason });
    });
  }

  count(reason: LifecycleError, detail: string): void {
    const count = this.#counts.get(reason) ?? 0;
    if (count === 0) this.#logger.warn({ reason }, `order lifecycle ${reason}: ${detail}. Further ones are only counted.`);
    this.#counts.set(reason, count + 1);
  }

  /** How many of `reason` were counted. */
  of(reason: LifecycleError): number {
    return this.#counts.get(reason) ?? 0;
  }
}
