import { metrics, type MeterProvider } from '@opentelemetry/api';
import { DEFAULT_CARDINALITY_LIMIT, SCOPE_NAME } from '../conventions.js';
import { TelemetryConfigError } from '../errors.js';
import { VERSION } from '../version.js';
import type { FamilyContext } from './instrument-families.js';
import { type Clock, MarketDataMetrics } from './market-data-metrics.js';
import { MeasurementGuard } from './measurement-guard.js';
import { OrderMetrics } from './order-metrics.js';
import { PortfolioMetrics } from './portfolio-metrics.js';
import { ratio, type SlippageSummary, type TelemetrySnapshot } from './snapshot.js';

function slippageSummary(orders: OrderMetrics): SlippageSummary | null {
  const adverse = orders.slippage('adverse');
  const favorable = orders.slippage('favorable');
  const count = adverse.count + favorable.count;
  if (count === 0) return null;
  return {
    count,
    meanBps: (adverse.sum - favorable.sum) / count,
    adverseShare: adverse.count / count,
    p95AdverseBps: adverse.count === 0 ? 0 : adverse.quantile(0.95),
  };
}

/** Options of {@link createTradingTelemetry}. */
export interface TradingTelemetryOptions {
  /** Where instruments are created. Defaults to the global MeterProvider (a no-op until an SDK registers one). */
  readonly meterProvider?: MeterProvider;
  /** Distinct attribute sets one instrument may hold before new ones fold into an overflow series. Default 2000. */
  readonly cardinalityLimit?: number;
  /** Wall clock in milliseconds since the epoch. Defaults to `Date.now`; tests inject their own. */
  readonly clock?: Clock;
}

/**
 * The trading telemetry facade: typed, validated, and safe on the hot path. Nothing here
 * throws into trading code; refused input is counted in `trading.telemetry.*` metrics.
 */
export interface TradingTelemetry {
  /** Order counters, stage and order latency, slippage and fill ratio, per order stream. */
  readonly orders: OrderMetrics;
  /** Positions, balances and P&L gauges. */
  readonly portfolio: PortfolioMetrics;
  /** Market-data message counts, staleness and exchange connection state. */
  readonly marketData: MarketDataMetrics;
  /** The in-process view: totals, rates, latency percentiles, P&L, connections. */
  snapshot(): TelemetrySnapshot;
}

/**
 * Builds the facade over any MeterProvider: the global one by default, so a process that
 * runs its own OpenTelemetry SDK (2.x or 3.x) can use it without {@link startTelemetry}.
 *
 * @throws TelemetryConfigError when `cardinalityLimit` is not a positive integer.
 */
export function createTradingTelemetry(options: TradingTelemetryOptions = {}): TradingTelemetry {
  const cardinalityLimit = options.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT;
  if (!Number.isInteger(cardinalityLimit) || cardinalityLimit < 1) {
    throw new TelemetryConfigError('cardinalityLimit', `must be a positive integer, got ${String(cardinalityLimit)}`);
  }
  const clock = options.clock ?? Date.now;
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE_NAME, VERSION);
  const guard = new MeasurementGuard(meter);
  const ctx: FamilyContext = { meter, guard, cardinalityLimit };
  const orders = new OrderMetrics(ctx);
  const portfolio = new PortfolioMetrics(ctx);
  const marketData = new MarketDataMetrics(ctx, clock);
  const startedAt = clock();

  return {
    orders,
    portfolio,
    marketData,
    snapshot(): TelemetrySnapshot {
      const now = clock();
      const totals = orders.totals();
      const exchanges = marketData.exchanges();
      return {
        timestamp: now,
        uptimeSeconds: (now - startedAt) / 1000,
        connected: exchanges.every((e) => e.connected),
        orders: totals,
        fillRate: ratio(totals.filled, totals.placed),
        rejectionRate: ratio(totals.rejected, totals.placed),
        latency: orders.orderDurations().summary() ?? null,
        slippage: slippageSummary(orders),
        pnl: portfolio.pnl(),
        positions: portfolio.positions(),
        balances: portfolio.balances(),
        exchanges,
        telemetry: { rejectedMeasurements: guard.rejectedTotal(), cardinalityOverflow: guard.overflowTotal() },
      };
    },
  };
}
