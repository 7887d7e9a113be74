import type { OrderType, Side } from '../conventions.js';

/** An order about to be placed: what {@link OrderTracker.track} needs to follow it. */
export interface OrderIntent {
  readonly exchange: string;
  readonly symbol: string;
  readonly side: Side;
  /** Defaults to `limit`. */
  readonly orderType?: OrderType;
  readonly strategy?: string;
  /** Ordered quantity in base-asset units. */
  readonly quantity: number;
  /** Limit price, or the expected price of a market order: the reference for slippage. */
  readonly price?: number;
  /** The client order id; it becomes the correlation id. Generated (UUIDv7) when omitted. */
  readonly clientOrderId?: string;
}

/** What a fill reports. */
export interface FillDetails {
  /** Quantity of this fill. For `filled()`, defaults to what remained. */
  readonly quantity?: number;
  /** Execution price of this fill. */
  readonly price?: number;
  /** The fee charged on this fill, as ccxt reports it on a trade; a negative cost is a rebate. */
  readonly fee?: FillFee;
}

/** A fee in units of `currency` (ccxt's `{ cost, currency }`). */
export interface FillFee {
  readonly cost: number;
  readonly currency: string;
}

/** One lifecycle stage as it happened. */
export interface StageRecord {
  readonly stage: string;
  /** Epoch milliseconds when the stage was reached. */
  readonly at: number;
  /** Milliseconds since the previous stage. */
  readonly durationMs: number;
}

/** The state of one order, for the dashboard and incident records. Plain, JSON-safe data. */
export interface OrderSummary {
  readonly correlationId: string;
  readonly traceId: string;
  readonly spanId: string;
  /**
   * Whether the order's trace is exported, so `traceId` finds it in the tracing backend: its
   * span is sampled, or (under startTelemetry's tail keeping) the keep policy kept it. False
   * while a tail-kept order is still open: its fate is decided when it ends.
   */
  readonly traceKept: boolean;
  readonly exchange: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  readonly price: number | null;
  /** The latest stage reached. */
  readonly stage: string;
  readonly done: boolean;
  readonly filledQuantity: number;
  readonly averageFillPrice: number | null;
  /** Fees charged on the order's fills, summed per fee currency (negative for a net rebate). */
  readonly fees: Readonly<Record<string, number>>;
  readonly exchangeOrderId: string | null;
  readonly rejectReason: string | null;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly stages: readonly StageRecord[];
  /** The stage that took longest, or null before the second stage. */
  readonly slowestStage: string | null;
  readonly error: string | null;
}
