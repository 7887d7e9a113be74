import { z } from 'zod';
import { fn, hasMethods, instance, parseOptions, schemaOf } from '../validation/parse-options.js';
import type { AlertRule, RuleContext, RuleMatch } from './alert-types.js';
import type { AnomalyDetector } from './anomaly/anomaly-detector.js';
import { clockOffset, crossedOrderBook, exchangeBanned, orderBookGaps, rateLimitHeadroom, zombieOrderBook } from './exchange-presets.js';
import { orderWindow } from './order-window.js';

/**
 * Daily loss limit (critical, halts trading): total P&L down more than `limit` since the
 * trading day began (UTC midnight unless startAlerting's `tradingDay` says otherwise). The day's
 * starting P&L is kept across restarts, so a restart does not forgive the day's losses.
 */
export function dailyLossLimit(options: { readonly limit: number }): AlertRule {
  return {
    name: 'daily_loss_limit',
    severity: 'critical',
    labels: { group: 'pnl', governor: 'halt' },
    condition: ({ risk }: RuleContext): RuleMatch | undefined =>
      risk.dailyPnl < -options.limit ? { message: `P&L of trading day ${risk.tradingDay} is ${risk.dailyPnl.toFixed(2)}, below −${options.limit}`, value: risk.dailyPnl } : undefined,
  };
}

/** Drawdown limit (critical, halts trading): total P&L more than `limit` below its high-water mark (kept across restarts). */
export function maxDrawdown(options: { readonly limit: number }): AlertRule {
  return {
    name: 'max_drawdown',
    severity: 'critical',
    labels: { group: 'pnl', governor: 'halt' },
    condition: ({ risk }: RuleContext): RuleMatch | undefined =>
      risk.drawdown > options.limit ? { message: `drawdown ${risk.drawdown.toFixed(2)} from the high-water mark ${risk.highWaterMark.toFixed(2)} exceeds ${options.limit}`, value: risk.drawdown } : undefined,
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

/**
 * Latency spike (warning, throttles): p95 exchange round trip (sent → acknowledged) of the
 * interval above `p95Seconds`. An interval with no acknowledgement says nothing about latency
 * (the throttle itself thins the orders out), so the alert keeps firing `keepFiringForSeconds`
 * (default 5) after the last slow interval instead of resolving and firing again.
 */
export function latencySpike(options: { readonly p95Seconds?: number; readonly forSeconds?: number; readonly keepFiringForSeconds?: number } = {}): AlertRule {
  const limit = options.p95Seconds ?? 1;
  return {
    name: 'latency_spike',
    severity: 'warning',
    labels: { group: 'execution', governor: 'throttle' },
    forMillis: (options.forSeconds ?? 0) * 1000,
    keepFiringForMillis: (options.keepFiringForSeconds ?? 5) * 1000,
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
  /** Halt when total P&L falls this far below its high-water mark. Default: no drawdown rule. */
  readonly maxDrawdown?: number;
  readonly consecutiveLosses?: { readonly read: () => number; readonly threshold?: number };
  readonly maxAbsPosition?: number | Readonly<Record<string, number>>;
  readonly disconnectedForSeconds?: number;
  readonly staleMarketDataSeconds?: number;
  readonly maxRejectionRate?: number;
  readonly maxLatencyP95Seconds?: number;
  /** Window of the fills_stopped rule, seconds. Default 30. */
  readonly fillsStoppedSeconds?: number;
  /** Share of a rate limit that warns (rate_limit_headroom). Default 0.8. */
  readonly rateLimitUsage?: number;
  /** How long the usage must hold before rate_limit_headroom fires, s. Default 30. */
  readonly rateLimitForSeconds?: number;
  /** Clock offset that warns (clock_offset), ms. Default: a quarter of each exchange's recvWindow. */
  readonly maxClockOffsetMillis?: number;
  /** Sequence gaps on one book in 5 minutes that warn (order_book_gaps). Default 3. */
  readonly maxOrderBookGaps?: number;
  readonly anomalies?: AnomalyDetector;
}

const positive = z.number().positive();
const presetSchema = schemaOf<PresetOptions>()(
  z.strictObject({
    dailyLossLimit: positive.optional(),
    maxDrawdown: positive.optional(),
    consecutiveLosses: z.strictObject({ read: fn<() => number>(), threshold: z.number().int().min(1).optional() }).optional(),
    maxAbsPosition: z.union([positive, z.record(z.string(), positive)]).optional(),
    disconnectedForSeconds: z.number().min(0).optional(),
    staleMarketDataSeconds: positive.optional(),
    maxRejectionRate: z.number().gt(0).max(1).optional(),
    maxLatencyP95Seconds: positive.optional(),
    fillsStoppedSeconds: positive.optional(),
    rateLimitUsage: z.number().gt(0).max(1).optional(),
    rateLimitForSeconds: z.number().min(0).optional(),
    maxClockOffsetMillis: positive.optional(),
    maxOrderBookGaps: z.number().int().min(0).optional(),
    anomalies: instance<AnomalyDetector>('an AnomalyDetector', hasMethods('observe', 'active')).optional(),
  }),
);

/**
 * The seed's trading rules, with the thresholds given (and sensible defaults for the rest).
 * @throws TelemetryConfigError naming the option when one is unknown or unusable.
 */
export function tradingPresets(given: PresetOptions = {}): AlertRule[] {
  const options = parseOptions(presetSchema, given);
  const rules: AlertRule[] = [
    dailyLossLimit({ limit: options.dailyLossLimit ?? 5000 }),
    exchangeDisconnected({ forSeconds: options.disconnectedForSeconds ?? 30 }),
    staleMarketData({ seconds: options.staleMarketDataSeconds ?? 10 }),
    rejectionRateSpike({ maxRate: options.maxRejectionRate ?? 0.2 }),
    latencySpike({ p95Seconds: options.maxLatencyP95Seconds ?? 1 }),
    fillsStopped({ windowSeconds: options.fillsStoppedSeconds ?? 30 }),
    // Exchange health (trading-telemetry/ccxt): quiet unless an instrumented exchange reports it.
    rateLimitHeadroom({ usage: options.rateLimitUsage ?? 0.8, forSeconds: options.rateLimitForSeconds ?? 30 }),
    exchangeBanned(),
    clockOffset(options.maxClockOffsetMillis === undefined ? {} : { maxOffsetMillis: options.maxClockOffsetMillis }),
    zombieOrderBook(),
    orderBookGaps({ maxGaps: options.maxOrderBookGaps ?? 3 }),
    crossedOrderBook(),
  ];
  if (options.maxDrawdown !== undefined) rules.push(maxDrawdown({ limit: options.maxDrawdown }));
  if (options.consecutiveLosses !== undefined) rules.push(consecutiveLosses(options.consecutiveLosses.read, { threshold: options.consecutiveLosses.threshold ?? 5 }));
  if (options.maxAbsPosition !== undefined) rules.push(positionTooLarge({ maxAbsSize: options.maxAbsPosition }));
  if (options.anomalies !== undefined) rules.push(anomalyRule(options.anomalies));
  return rules;
}
