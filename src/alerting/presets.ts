import type { AlertRule, RuleContext, RuleMatch } from './alert-types.js';
import type { AnomalyDetector } from './anomaly/anomaly-detector.js';
import { orderWindow } from './order-window.js';

const UTC_DAY = 86_400_000;

/** Daily loss limit (critical, halts trading): total P&L down more than `limit` since the UTC day began. */
export function dailyLossLimit(options: { readonly limit: number }): AlertRule {
  let day = -1;
  let pnlAtDayStart = 0;
  return {
    name: 'daily_loss_limit',
    severity: 'critical',
    labels: { group: 'pnl', governor: 'halt' },
    condition: ({ now, snapshot }: RuleContext): RuleMatch | undefined => {
      const today = Math.floor(now / UTC_DAY);
      if (today !== day) {
        day = today;
        pnlAtDayStart = snapshot.pnl.total;
      }
      const daily = snapshot.pnl.total - pnlAtDayStart;
      return daily < -options.limit ? { message: `daily P&L ${daily.toFixed(2)} is below −${options.limit}`, value: daily } : undefined;
    },
  };
}

/** N losing trades in a row (warning, throttles). `losses` reads the strategy's own count. */
export function consecutiveLosses(losses: () => number, options: { readonly threshold?: number } = {}): AlertRule {
  const threshold = options.threshold ?? 5;
  return {
    name: 'consecutive_losses',
    severity: 'warning',
    labels: { group: 'pnl', governor: 'throttle' },
    condition: () => {
      const n = losses();
      return n >= threshold ? { message: `${n} losing trades in a row`, value: n } : undefined;
    },
  };
}

/** Position too large (warning, throttles): |position| above `maxAbsSize` in base units (per symbol, or one limit for all). */
export function positionTooLarge(options: { readonly maxAbsSize: number | Readonly<Record<string, number>> }): AlertRule {
  const limitOf = (symbol: string): number => (typeof options.maxAbsSize === 'number' ? options.maxAbsSize : (options.maxAbsSize[symbol] ?? Infinity));
  return {
    name: 'position_too_large',
    severity: 'warning',
    labels: { group: 'positions', governor: 'throttle' },
    condition: ({ snapshot }) => {
      const over = snapshot.positions.find((p) => Math.abs(p.size) > limitOf(p.symbol));
      return over === undefined ? undefined : { message: `position ${over.size} ${over.symbol} on ${over.exchange} exceeds ${limitOf(over.symbol)}`, value: over.size };
    },
  };
}

/** An exchange disconnected for longer than `forSeconds` (critical, halts). */
export function exchangeDisconnected(options: { readonly forSeconds?: number } = {}): AlertRule {
  return {
    name: 'exchange_disconnected',
    severity: 'critical',
    labels: { group: 'exchange', governor: 'halt' },
    forMillis: (options.forSeconds ?? 30) * 1000,
    condition: ({ snapshot }) => {
      const down = snapshot.exchanges.filter((e) => !e.connected).map((e) => e.exchange);
      return down.length === 0 ? undefined : { message: `disconnected: ${down.join(', ')}`, value: down.length };
    },
  };
}

/** Stale market data (critical, halts: never trade on old prices): no message for `seconds`. */
export function staleMarketData(options: { readonly seconds?: number } = {}): AlertRule {
  const limit = options.seconds ?? 10;
  return {
    name: 'stale_market_data',
    severity: 'critical',
    labels: { group: 'exchange', governor: 'halt' },
    condition: ({ snapshot }) => {
      const stale = snapshot.exchanges.find((e) => e.connected && e.stalenessSeconds !== null && e.stalenessSeconds > limit);
      return stale === undefined ? undefined : { message: `no market data from ${stale.exchange} for ${(stale.stalenessSeconds ?? 0).toFixed(1)} s`, value: stale.stalenessSeconds ?? 0 };
    },
  };
}

/**
 * Rejection-rate spike (warning, throttles): over `maxRate` of the orders placed in the last
 * `windowSeconds` (default 5) rejected, with at least `minOrders` placed. A window rather than
 * one evaluation interval, so a slow or throttled bot still has enough orders to judge.
 */
export function rejectionRateSpike(options: { readonly maxRate?: number; readonly minOrders?: number; readonly windowSeconds?: number; readonly forSeconds?: number } = {}): AlertRule {
  const maxRate = options.maxRate ?? 0.2;
  const windowSeconds = options.windowSeconds ?? 5;
  const window = orderWindow(windowSeconds);
  return {
    name: 'rejection_rate_spike',
    severity: 'warning',
    labels: { group: 'execution', governor: 'throttle' },
    forMillis: (options.forSeconds ?? 0) * 1000,
    condition: (context) => {
      const { placed, rejected } = window(context);
      if (placed < (options.minOrders ?? 5)) return undefined;
      // Orders placed before the window can be rejected in it: the share is capped at 100 %.
      const rate = Math.min(1, rejected / placed);
      return rate > maxRate
        ? { message: `${(rate * 100).toFixed(0)}% of the orders of the last ${windowSeconds} s rejected (limit ${(maxRate * 100).toFixed(0)}%)`, value: rate }
        : undefined;
    },
  };
}

/** Latency spike (warning, throttles): p95 exchange round trip (sent → acknowledged) of the interval above `p95Seconds`. */
export function latencySpike(options: { readonly p95Seconds?: number; readonly forSeconds?: number } = {}): AlertRule {
  const limit = options.p95Seconds ?? 1;
  return {
    name: 'latency_spike',
    severity: 'warning',
    labels: { group: 'execution', governor: 'throttle' },
    forMillis: (options.forSeconds ?? 0) * 1000,
    condition: ({ interval }) =>
      Number.isFinite(interval.latencyP95) && interval.latencyP95 > limit
        ? { message: `order acknowledgement latency p95 ${(interval.latencyP95 * 1000).toFixed(0)} ms (limit ${(limit * 1000).toFixed(0)} ms)`, value: interval.latencyP95 }
        : undefined,
  };
}

/**
 * Fills stopped (critical, halts): at least `minOrders` placed over the last `windowSeconds`
 * and not one filled: a frozen matching engine or a broken fill feed. Deterministic where the
 * anomaly detector's fill-rate check needs enough orders in every interval.
 */
export function fillsStopped(options: { readonly windowSeconds?: number; readonly minOrders?: number } = {}): AlertRule {
  const windowSeconds = options.windowSeconds ?? 30;
  const minOrders = options.minOrders ?? 5;
  const window = orderWindow(windowSeconds);
  return {
    name: 'fills_stopped',
    severity: 'critical',
    labels: { group: 'execution', governor: 'halt' },
    condition: (context) => {
      const { placed, filled } = window(context);
      return placed >= minOrders && filled === 0 ? { message: `${placed} orders placed in the last ${windowSeconds} s and none filled`, value: placed } : undefined;
    },
  };
}

/** Anomalies against the learnt baselines (warning, throttles): evaluates the detector on the engine's timer. */
export function anomalyRule(detector: AnomalyDetector): AlertRule {
  return {
    name: 'anomaly',
    severity: 'warning',
    labels: { group: 'execution', governor: 'throttle' },
    instrument: (meter) => detector.instrument(meter),
    condition: (context) => {
      detector.observe(context);
      const active = detector.active(context.now);
      return active.length === 0
        ? undefined
        : { message: active.map((d) => `${d.metric} ${d.value.toPrecision(3)} vs ${d.expected.toPrecision(3)} expected (z ${d.z.toFixed(1)})`).join('; '), value: active.length };
    },
  };
}

/** Thresholds of {@link tradingPresets}; every one optional. */
export interface PresetOptions {
  readonly dailyLossLimit?: number;
  readonly consecutiveLosses?: { readonly read: () => number; readonly threshold?: number };
  readonly maxAbsPosition?: number | Readonly<Record<string, number>>;
  readonly disconnectedForSeconds?: number;
  readonly staleMarketDataSeconds?: number;
  readonly maxRejectionRate?: number;
  readonly maxLatencyP95Seconds?: number;
  /** Window of the fills_stopped rule, seconds. Default 30. */
  readonly fillsStoppedSeconds?: number;
  readonly anomalies?: AnomalyDetector;
}

/** The seed's trading rules, with the thresholds given (and sensible defaults for the rest). */
export function tradingPresets(options: PresetOptions = {}): AlertRule[] {
  const rules: AlertRule[] = [
    dailyLossLimit({ limit: options.dailyLossLimit ?? 5000 }),
    exchangeDisconnected({ forSeconds: options.disconnectedForSeconds ?? 30 }),
    staleMarketData({ seconds: options.staleMarketDataSeconds ?? 10 }),
    rejectionRateSpike({ maxRate: options.maxRejectionRate ?? 0.2 }),
    latencySpike({ p95Seconds: options.maxLatencyP95Seconds ?? 1 }),
    fillsStopped({ windowSeconds: options.fillsStoppedSeconds ?? 30 }),
  ];
  if (options.consecutiveLosses !== undefined) rules.push(consecutiveLosses(options.consecutiveLosses.read, { threshold: options.consecutiveLosses.threshold ?? 5 }));
  if (options.maxAbsPosition !== undefined) rules.push(positionTooLarge({ maxAbsSize: options.maxAbsPosition }));
  if (options.anomalies !== undefined) rules.push(anomalyRule(options.anomalies));
  return rules;
}
