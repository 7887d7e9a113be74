import type { DistributionSummary } from './distribution.js';
import type { ExchangeView } from './market-data-metrics.js';
import type { OrderTotals } from './bound-order-metrics.js';
import type { BalanceView, PnlView, PositionView } from './portfolio-metrics.js';

/**
 * The in-process view of a trading process at one moment: what the terminal report and the
 * dashboard show. Plain data, safe to serialize as JSON.
 */
export interface TelemetrySnapshot {
  /** Milliseconds since the epoch when the snapshot was taken. */
  readonly timestamp: number;
  readonly uptimeSeconds: number;
  /** True when every known exchange is connected (and trivially when none is known yet). */
  readonly connected: boolean;
  readonly orders: OrderTotals;
  /** filled / placed, from 0 to 1; null before the first order. */
  readonly fillRate: number | null;
  /** rejected / placed, from 0 to 1; null before the first order. */
  readonly rejectionRate: number | null;
  /** Order duration (creation to terminal status) in seconds; null before the first. */
  readonly latency: DistributionSummary | null;
  /** Fill slippage in basis points; null before the first fill with an expected price. */
  readonly slippage: SlippageSummary | null;
  readonly pnl: PnlView;
  readonly positions: readonly PositionView[];
  readonly balances: readonly BalanceView[];
  readonly exchanges: readonly ExchangeView[];
  readonly telemetry: {
    /** Measurements refused for a bad number, label or enum. */
    readonly rejectedMeasurements: number;
    /** Measurements folded into an overflow series. */
    readonly cardinalityOverflow: number;
  };
}

/** Slippage across fills, in basis points. */
export interface SlippageSummary {
  readonly count: number;
  /** Signed mean: positive is adverse (cost), negative is price improvement. */
  readonly meanBps: number;
  /** Share of fills with adverse slippage, 0 to 1. */
  readonly adverseShare: number;
  /** 95th percentile of adverse slippage magnitude; 0 when no fill was adverse. */
  readonly p95AdverseBps: number;
}

/** `part / whole`, or null when `whole` is 0. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}
