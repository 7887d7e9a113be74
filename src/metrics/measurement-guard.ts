import type { Meter } from '@opentelemetry/api';
import { Instruments, type MeasurementRejection } from '../conventions.js';
import type { TelemetryLogger } from '../telemetry-logger.js';
import { observeInstrument } from './observable.js';

/**
 * The facade's self-accounting: every measurement it refuses and every one folded into an
 * overflow series is counted here and exported as `trading.telemetry.*` counters, so nothing
 * is dropped silently. The first occurrence of each (instrument, reason) is also logged, once,
 * through the library logger, so a developer sees why without a log flood.
 */
export class MeasurementGuard {
  readonly #rejected = new Map<string, { instrument: string; reason: MeasurementRejection; count: number }>();
  readonly #overflow = new Map<string, number>();
  readonly #logger: TelemetryLogger;

  constructor(meter: Meter, logger: TelemetryLogger) {
    this.#logger = logger;
    observeInstrument(meter, Instruments.rejectedMeasurements, (result) => {
      for (const { instrument, reason, count } of this.#rejected.values()) result.observe(count, { instrument, reason });
    });
    observeInstrument(meter, Instruments.cardinalityOverflow, (result) => {
      for (const [instrument, count] of this.#overflow) result.observe(count, { instrument });
    });
  }

  /** Counts a refused measurement of `instrument`. Never throws. */
  reject(instrument: string, reason: MeasurementRejection, detail: string): void {
    const key = `${instrument}|${reason}`;
    const entry = this.#rejected.get(key);
    if (entry) {
      entry.count++;
      return;
    }
    this.#rejected.set(key, { instrument, reason, count: 1 });
    this.#logger.warn({ instrument, reason }, `${instrument} refused a measurement (${reason}): ${detail}. Further ones are only counted.`);
  }

  /** Counts a measurement folded into `instrument`'s overflow series. */
  overflow(instrument: string): void {
    const count = this.#overflow.get(instrument);
    if (count === undefined) {
      this.#logger.warn({ instrument }, `${instrument} reached its cardinality limit; new series go to otel.metric.overflow.`);
    }
    this.#overflow.set(instrument, (count ?? 0) + 1);
  }

  /** Total refused measurements, across instruments and reasons. */
  rejectedTotal(): number {
    let total = 0;
    for (const entry of this.#rejected.values()) total += entry.count;
    return total;
  }

  /** Total measurements folded into overflow series. */
  overflowTotal(): number {
    let total = 0;
    for (const count of this.#overflow.values()) total += count;
    return total;
  }
}
