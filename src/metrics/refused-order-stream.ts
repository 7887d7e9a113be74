import { Instruments } from '../conventions.js';
import type { BoundOrderMetrics } from './bound-order-metrics.js';
import type { MeasurementGuard } from './measurement-guard.js';
import type { TracedOrderMetrics } from './order-exemplars.js';
import type { KeyProblem } from './order-key.js';

/** The instrument each bound method records into, so a refusal is counted against it. */
const INSTRUMENT_OF = {
  placed: Instruments.orders.name,
  partiallyFilled: Instruments.orders.name,
  filled: Instruments.orders.name,
  cancelled: Instruments.orders.name,
  expired: Instruments.orders.name,
  rejected: Instruments.orders.name,
  trade: Instruments.trades.name,
  notional: Instruments.notional.name,
  fee: Instruments.fees.name,
  slippage: Instruments.slippage.name,
  fillRatio: Instruments.fillRatio.name,
  stageDuration: Instruments.stageDuration.name,
  orderDuration: Instruments.orderDuration.name,
} as const satisfies Record<keyof BoundOrderMetrics, string>;

/**
 * The handle returned for an order key that cannot label a series: every call is counted as
 * refused against the instrument it would have recorded into, with the key's problem. Its
 * durations were never recorded, so it keeps no exemplar of them.
 */
export function refusedOrderStream(guard: MeasurementGuard, problem: KeyProblem): TracedOrderMetrics {
  const refuse = (instrument: string) => (): void => guard.reject(instrument, problem.reason, problem.detail);
  return {
    placed: refuse(INSTRUMENT_OF.placed),
    partiallyFilled: refuse(INSTRUMENT_OF.partiallyFilled),
    filled: refuse(INSTRUMENT_OF.filled),
    cancelled: refuse(INSTRUMENT_OF.cancelled),
    expired: refuse(INSTRUMENT_OF.expired),
    rejected: refuse(INSTRUMENT_OF.rejected),
    trade: refuse(INSTRUMENT_OF.trade),
    notional: refuse(INSTRUMENT_OF.notional),
    fee: refuse(INSTRUMENT_OF.fee),
    slippage: refuse(INSTRUMENT_OF.slippage),
    fillRatio: refuse(INSTRUMENT_OF.fillRatio),
    stageDuration: refuse(INSTRUMENT_OF.stageDuration),
    orderDuration: refuse(INSTRUMENT_OF.orderDuration),
    orderDurationExemplar: () => undefined,
    stageDurationExemplar: () => undefined,
  };
}
