import { exchangeCheck, type StalenessThresholds } from '../health/checks/exchange-check.js';
import { type CheckOutcome, type HealthCheckFn, type HealthStatus, worst } from '../health/health-check.js';
import { QUOTE_STREAMS } from './unified-methods.js';
import type { Venue } from './venue.js';

/** The status and reason of one finding, for combining. */
interface Finding {
  readonly status: HealthStatus;
  readonly reason: string;
}

function findingOf(outcome: CheckOutcome): Finding | undefined {
  if (typeof outcome === 'string') return outcome === 'healthy' ? undefined : { status: outcome, reason: outcome };
  return outcome.status === 'healthy' ? undefined : { status: outcome.status, reason: outcome.reason ?? outcome.status };
}

/**
 * The health of one exchange as its instrumented ccxt clients see it, worst first:
 * - once a WebSocket was used, the connection check of `trading-telemetry/connections`
 *   (`exchangeCheck` over `telemetry.marketData`): unhealthy while a socket is lost, or when
 *   every stream has been silent past `unhealthyAfterSeconds`;
 * - degraded for each subscribed book or ticker silent past `degradedAfterSeconds`, and for each
 *   zombie book: silent past max(3 × its median update interval, 2 s) while the other streams
 *   deliver (the socket is open, one symbol stopped);
 * - unhealthy while a 418 ban's Retry-After runs, degraded while a 429's does, and while the
 *   governor throttles it because a rate limit's usage reached its share;
 * - degraded while the exchange's clock is a quarter of the recvWindow or more away from ours,
 *   unhealthy at half (signed requests fail past the whole of it);
 * - degraded when the latest REST call found the exchange unreachable (NetworkError,
 *   RequestTimeout, ExchangeNotAvailable, …), until a call succeeds.
 * Reasons name symbols and error classes, never a message (which could carry a signed URL).
 */
export function exchangeHealthCheck(venue: Venue, thresholds: StalenessThresholds = {}): HealthCheckFn {
  const degradedAfter = thresholds.degradedAfterSeconds ?? 10;
  const connection = exchangeCheck(venue.exchange, () => venue.telemetry.marketData.exchanges(), thresholds);
  return async (): Promise<CheckOutcome> => {
    const findings: Finding[] = [];
    const add = (finding: Finding | undefined): void => {
      if (finding !== undefined) findings.push(finding);
    };
    if (venue.streams.used) add(findingOf(await connection()));
    const now = venue.internals.clock();
    for (const subscription of venue.streams.subscriptions()) {
      if (!QUOTE_STREAMS.has(subscription.stream) || subscription.symbol === undefined) continue;
      const since = Number.isNaN(subscription.lastMessageAt) ? subscription.subscribedAt : subscription.lastMessageAt;
      const silent = (now - since) / 1000;
      if (silent > degradedAfter) add({ status: 'degraded', reason: `${venue.exchange}: ${subscription.symbol} ${subscription.stream} silent for ${silent.toFixed(1)} s` });
    }
    for (const { symbol, silentSeconds } of venue.books.zombies(now)) add({ status: 'degraded', reason: `${venue.exchange}: ${symbol} order book silent for ${silentSeconds.toFixed(1)} s while the other streams deliver` });
    const refusal = venue.rateLimits.activeRefusal();
    if (refusal !== undefined) {
      const left = `${Math.ceil((refusal.until - now) / 1000)} s`;
      add(refusal.status === 418 ? { status: 'unhealthy', reason: `${venue.exchange}: IP banned (418) for ${left} more` } : { status: 'degraded', reason: `${venue.exchange}: rate limited (429) for ${left} more` });
    }
    if (refusal === undefined && venue.rateLimits.throttled) add({ status: 'degraded', reason: `${venue.exchange}: throttled, a rate limit is nearly used up` });
    add(venue.clock.finding());
    const unreachable = venue.unreachable;
    if (unreachable !== undefined) add({ status: 'degraded', reason: `${venue.exchange}: the latest request failed (${unreachable.errorClass})` });
    if (findings.length === 0) return 'healthy';
    const status = findings.reduce<HealthStatus>((acc, f) => worst(acc, f.status), 'healthy');
    return { status, reason: findings.map((f) => f.reason).join('; ') };
  };
}
