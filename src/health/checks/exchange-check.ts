import type { ExchangeView } from '../../metrics/market-data-metrics.js';
import type { CheckOutcome, HealthCheckFn } from '../health-check.js';

/** Thresholds of {@link exchangeCheck}, in seconds since the exchange's last message. */
export interface StalenessThresholds {
  /** Degraded past this. Default 10 s. */
  readonly degradedAfterSeconds?: number;
  /** Unhealthy past this. Default 30 s. */
  readonly unhealthyAfterSeconds?: number;
}

/**
 * Exchange connection health from the facade's market-data state: unhealthy while
 * disconnected or silent past `unhealthyAfterSeconds`, degraded past `degradedAfterSeconds`.
 * `exchanges` is usually `() => telemetry.marketData.exchanges()`.
 */
export function exchangeCheck(exchange: string, exchanges: () => readonly ExchangeView[], thresholds: StalenessThresholds = {}): HealthCheckFn {
  const degradedAfter = thresholds.degradedAfterSeconds ?? 10;
  const unhealthyAfter = thresholds.unhealthyAfterSeconds ?? 30;
  return (): CheckOutcome => {
    const view = exchanges().find((e) => e.exchange === exchange);
    if (view === undefined) return { status: 'unhealthy', reason: `${exchange}: never connected` };
    if (!view.connected) return { status: 'unhealthy', reason: `${exchange}: disconnected` };
    const staleness = view.stalenessSeconds;
    if (staleness === null) return { status: 'degraded', reason: `${exchange}: connected, no market data yet` };
    if (staleness > unhealthyAfter) return { status: 'unhealthy', reason: `${exchange}: no data for ${staleness.toFixed(1)} s` };
    if (staleness > degradedAfter) return { status: 'degraded', reason: `${exchange}: slow data, ${staleness.toFixed(1)} s since the last message` };
    return 'healthy';
  };
}
