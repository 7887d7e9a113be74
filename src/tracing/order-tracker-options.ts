import { z } from 'zod';
import { schemaOf } from '../validation/parse-options.js';
import { type OrderKeepOption, orderKeepSchema } from './keep-policy-options.js';

/** Options of the order tracker (`orders` in startTelemetry, or createTradingTelemetry's own). */
export interface OrderTrackerOptions {
  /** Most open orders held; beyond it new orders still trace but cannot be found by id. Default 10000. */
  readonly maxOpenOrders?: number;
  /** Open orders older than this end as "timed out". Default 5 minutes. */
  readonly orderTimeoutMillis?: number;
  /** Finished orders kept for `recent()` and `find()`. Default 500. */
  readonly recentOrders?: number;
  /**
   * Trace each stage as a child span of the lifecycle span, covering the time since the
   * previous stage, so Jaeger's waterfall draws the stages. Default false: each stage is an
   * event on the lifecycle span, one span per order, about 2 µs cheaper per stage.
   */
  readonly stageSpans?: boolean;
}

/** {@link OrderTrackerOptions} with defaults applied. */
export type ResolvedOrderTrackerOptions = Required<OrderTrackerOptions>;

/** The fields of {@link OrderTrackerOptions}, for the schemas that embed them. */
export const orderTrackerFields = {
  maxOpenOrders: z.number().int().min(1).optional(),
  orderTimeoutMillis: z.number().int().min(1).optional(),
  recentOrders: z.number().int().min(0).optional(),
  stageSpans: z.boolean().optional(),
};

/** The strict schema of {@link OrderTrackerOptions}. */
export const orderTrackerOptionsSchema = schemaOf<OrderTrackerOptions>()(z.strictObject(orderTrackerFields));

/** The defaults over `options`. Call on validated options. */
export function withOrderDefaults(options: OrderTrackerOptions = {}): ResolvedOrderTrackerOptions {
  return {
    maxOpenOrders: options.maxOpenOrders ?? 10_000,
    orderTimeoutMillis: options.orderTimeoutMillis ?? 300_000,
    recentOrders: options.recentOrders ?? 500,
    stageSpans: options.stageSpans ?? false,
  };
}

/** Order tracing under startTelemetry (`orders`): the tracker's options, and which traces are kept. */
export interface OrderTracingOptions extends OrderTrackerOptions {
  /**
   * Which finished orders keep their trace (tail keeping): `'all'`, or a policy. Default: every
   * rejected, expired, timed-out or otherwise eventful order, every order slower than the p99
   * of the last 5 minutes, every order while fewer than 1 a second end, and 1% of the rest.
   * See docs/tracing.md.
   */
  readonly keep?: OrderKeepOption;
}

/** The strict schema of {@link OrderTracingOptions}. */
export const orderTracingOptionsSchema = schemaOf<OrderTracingOptions>()(z.strictObject({ ...orderTrackerFields, keep: orderKeepSchema.optional() }));
