import type { Meter, ObservableResult } from '@opentelemetry/api';
import type { InstrumentConvention } from '../conventions.js';

/**
 * Creates the observable counter or gauge that `convention` describes (by its kind) and
 * reports `observe` at every collection. Our counters and gauges all work this way: values
 * live in plain numbers and the SDK reads them when it collects.
 */
export function observeInstrument(meter: Meter, convention: InstrumentConvention, observe: (result: ObservableResult) => void): void {
  const options = { unit: convention.unit, description: convention.description };
  const instrument =
    convention.kind === 'counter'
      ? meter.createObservableCounter(convention.name, options)
      : meter.createObservableGauge(convention.name, options);
  instrument.addCallback(observe);
}
