import type { OrderStage, RejectReason, TerminalStatus } from '../conventions.js';

/**
 * Order metrics with their labels resolved once. Every method is safe on the trading hot
 * path: it checks its number, records into plain numbers, and never throws. A refused value
 * is counted in `trading.telemetry.rejected_measurements` and goes nowhere else.
 */
export interface BoundOrderMetrics {
  /** An order was submitted (including ones a risk check will reject). `count` defaults to 1. */
  placed(count?: number): void;
  /** A partial fill arrived; the order stays active. */
  partiallyFilled(count?: number): void;
  /** The order filled completely. */
  filled(count?: number): void;
  /** The order was cancelled. */
  cancelled(count?: number): void;
  /** The order expired (its time in force ran out). */
  expired(count?: number): void;
  /** The order was rejected, by a risk check or by the exchange. */
  rejected(reason: RejectReason, count?: number): void;
  /** Executions received (full or partial fills). */
  trade(count?: number): void;
  /** Traded notional of a fill (price × quantity) in the symbol's quote currency. */
  notional(amount: number): void;
  /**
   * A fee charged on a fill: `cost` in units of `asset` (the fee currency the exchange reports,
   * often not the quote). A negative cost is a rebate and counts in `trading.fee_rebates`.
   */
  fee(asset: string, cost: number): void;
  /** Slippage of a fill in basis points, signed; positive is worse than expected. */
  slippage(bps: number): void;
  /** Filled quantity over ordered quantity when the order ended, from 0 to 1. */
  fillRatio(ratio: number): void;
  /** Seconds from the previous lifecycle stage to `stage`. */
  stageDuration(stage: OrderStage, seconds: number): void;
  /** Seconds from creation to the terminal `status`. */
  orderDuration(status: TerminalStatus, seconds: number): void;
}

/** Order totals across every order stream, as the snapshot reports them. */
export interface OrderTotals {
  readonly placed: number;
  readonly partiallyFilled: number;
  readonly filled: number;
  readonly cancelled: number;
  readonly rejected: number;
  readonly expired: number;
  /** placed − (filled + cancelled + rejected + expired), never below 0. */
  readonly active: number;
}
