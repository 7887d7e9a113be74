import type { SpanContext } from '@opentelemetry/api';
import type { OrderStage, TerminalStatus } from '../conventions.js';
import type { BoundOrderMetrics } from './bound-order-metrics.js';

/**
 * Where an order's trace leaves its exemplars: durations the order already recorded, linked to
 * its span in the buckets they were counted in. The order tracing calls it once, at an order's
 * end; it never counts anything, so the plain record path stays as it is.
 */
export interface OrderExemplars {
  /** `seconds`, recorded by `orderDuration(status, seconds)`, was measured in the span of `trace` (at `timeMillis`, epoch ms). */
  orderDurationExemplar(status: TerminalStatus, seconds: number, trace: SpanContext, timeMillis: number): void;
  /** `seconds`, recorded by `stageDuration(stage, seconds)`, was measured in the span of `trace` (at `timeMillis`, epoch ms). */
  stageDurationExemplar(stage: OrderStage, seconds: number, trace: SpanContext, timeMillis: number): void;
}

/** The order metrics an order trace records into: the bound handle, and the exemplars of its durations. */
export type TracedOrderMetrics = BoundOrderMetrics & OrderExemplars;
