import type { Attributes } from '@opentelemetry/api';
import type { OrderStage } from '../conventions.js';

/** Stage events a kept order's lifecycle span carries: the last 128, the oldest dropped and counted, as the SDK's span limit does. */
export const EVENT_LIMIT = 128;

/** With `stageSpans`, the stages whose child spans keep their details (fill, exchange id); older ones are let go. */
export const DETAILED_STAGE_SPANS = 1024;

/** A stage that arrived before its predecessor: where in the log, and the stage the order had reached. */
export interface OutOfOrderMark {
  /** Index of the stage in the log. */
  readonly index: number;
  readonly previous: OrderStage;
}

/**
 * What an order recorded of its stages, in plain arrays (index 0 is `created`): the name, the
 * epoch-ms time and the details (fill, exchange id) of each, and the out-of-order arrivals. The
 * summary, the slow rules and a kept order's span are all read from it.
 */
export interface StageLog {
  readonly names: OrderStage[];
  readonly times: number[];
  /**
   * The attributes of each stage's event (or stage span), kept only for a tail-kept order and only
   * for its last {@link EVENT_LIMIT} stages ({@link DETAILED_STAGE_SPANS} with stage spans);
   * undefined for `created` and for stages let go.
   */
  readonly details: (Attributes | undefined)[];
  /** Made on the first out-of-order stage. */
  outOfOrder: OutOfOrderMark[] | undefined;
}
