import type { Meter } from '@opentelemetry/api';
import { Instruments } from '../conventions.js';
import { observeInstrument } from '../metrics/observable.js';
import type { AlertView } from './alert-types.js';
import type { IncidentLog } from './incident-log.js';

/** How much trading is allowed. */
export type GovernorState = 'normal' | 'throttled' | 'halted';
const STATES: readonly GovernorState[] = ['normal', 'throttled', 'halted'];

/** What the governor is asked about. */
export interface OrderIntentCheck {
  /** The order only reduces exposure (closing or cancelling): allowed even when halted. */
  readonly reducesRisk?: boolean;
}

/** The governor's answer. */
export interface GovernorDecision {
  readonly allowed: boolean;
  readonly state: GovernorState;
  readonly reason: string | null;
}

/** Options of {@link ActivityGovernor}. */
export interface GovernorOptions {
  /** Orders per second allowed while throttled. Default 1. */
  readonly throttledOrdersPerSecond?: number;
  readonly incidents?: IncidentLog;
  readonly meter?: Meter;
  readonly logger?: { warn(fields: object, message: string): void };
  readonly now?: () => number;
}

/**
 * Decides whether trading code may place an order: `normal` allows everything, `throttled`
 * allows a few orders per second (token bucket), `halted` allows only risk-reducing orders.
 * Firing alerts drive it through their `governor` label (`halt` or `throttle`), anomalies
 * throttle it, and an operator can override it by hand (with an expiry). Every transition is
 * logged, is the gauge `trading.governor.state`, and is an incident. `allow()` is O(1) and
 * never throws: it is meant for the trading path.
 */
export class ActivityGovernor {
  #state: GovernorState = 'normal';
  #reason: string | null = null;
  #automatic: { state: GovernorState; reason: string | null } = { state: 'normal', reason: null };
  #manual: { state: GovernorState; reason: string; until: number } | undefined;
  #tokens = 0;
  #tokensAt = 0;
  readonly #options: GovernorOptions;
  readonly #now: () => number;

  constructor(options: GovernorOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    if (options.meter !== undefined) {
      observeInstrument(options.meter, Instruments.governorState, (result) => {
        for (const state of STATES) result.observe(state === this.state ? 1 : 0, { state });
      });
    }
  }

  get state(): GovernorState {
    this.#expireManual();
    return this.#state;
  }

  get reason(): string | null {
    this.#expireManual();
    return this.#reason;
  }

  /** May this order go out? */
  allow(intent: OrderIntentCheck = {}): GovernorDecision {
    const state = this.state;
    if (state === 'normal') return { allowed: true, state, reason: null };
    if (state === 'halted') return { allowed: intent.reducesRisk === true, state, reason: this.#reason };
    const now = this.#now();
    const rate = this.#options.throttledOrdersPerSecond ?? 1;
    this.#tokens = Math.min(rate, this.#tokens + ((now - this.#tokensAt) / 1000) * rate);
    this.#tokensAt = now;
    if (this.#tokens >= 1 || intent.reducesRisk === true) {
      this.#tokens = Math.max(0, this.#tokens - 1);
      return { allowed: true, state, reason: this.#reason };
    }
    return { allowed: false, state, reason: this.#reason };
  }

  /** Recomputes the automatic state from the firing alerts (their `governor` label). */
  updateFromAlerts(alerts: readonly AlertView[]): void {
    const firing = alerts.filter((a) => a.state === 'firing');
    const halt = firing.find((a) => a.labels.governor === 'halt');
    const throttle = firing.find((a) => a.labels.governor === 'throttle');
    this.#automatic = halt !== undefined
      ? { state: 'halted', reason: `${halt.rule}: ${halt.message}` }
      : throttle !== undefined
        ? { state: 'throttled', reason: `${throttle.rule}: ${throttle.message}` }
        : { state: 'normal', reason: null };
    this.#apply();
  }

  /** Sets the state by hand until `untilMillis` (epoch ms; default: one hour). */
  override(state: GovernorState, reason: string, untilMillis = this.#now() + 3_600_000): void {
    this.#manual = { state, reason: `manual: ${reason}`, until: untilMillis };
    this.#apply();
  }

  /** Ends a manual override: the alerts decide again. */
  clearOverride(): void {
    this.#manual = undefined;
    this.#apply();
  }

  #expireManual(): void {
    if (this.#manual !== undefined && this.#now() >= this.#manual.until) {
      this.#manual = undefined;
      this.#apply();
    }
  }

  #apply(): void {
    const target = this.#manual ?? this.#automatic;
    if (target.state === this.#state && target.reason === this.#reason) return;
    const previous = this.#state;
    this.#state = target.state;
    this.#reason = target.reason;
    if (previous === target.state) return;
    if (target.state === 'throttled') {
      this.#tokens = this.#options.throttledOrdersPerSecond ?? 1;
      this.#tokensAt = this.#now();
    }
    const message = `governor ${previous} → ${target.state}${target.reason === null ? '' : ` (${target.reason})`}`;
    this.#options.logger?.warn({ governor: target.state, previous, reason: target.reason }, message);
    this.#options.incidents?.record({ at: this.#now(), kind: 'governor', rule: 'activity_governor', severity: target.state === 'halted' ? 'critical' : target.state === 'throttled' ? 'warning' : 'info', message });
  }
}
