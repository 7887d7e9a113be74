import type { Attributes, Meter } from '@opentelemetry/api';
import { Attr, Instruments } from '../conventions.js';
import { observeInstrument } from '../metrics/observable.js';
import { blockSource, type RiskBlock, type RiskBlocks } from '../risk-blocks.js';
import type { AlertView } from './alert-types.js';
import type { IncidentLog } from './incident-log.js';

/** How much trading is allowed. */
export type GovernorState = 'normal' | 'throttled' | 'halted';
const STATES: readonly GovernorState[] = ['normal', 'throttled', 'halted'];

/** `trading.governor.blocks`: the blocks in force by exchange, source and level; 0 for those seen before and lifted. */
const seenBlocks = new WeakMap<RiskBlocks, Map<string, Attributes>>();

function observeBlocks(blocks: RiskBlocks, result: { observe(value: number, attributes: Attributes): void }): void {
  let seen = seenBlocks.get(blocks);
  if (seen === undefined) seenBlocks.set(blocks, (seen = new Map<string, Attributes>()));
  const counts = new Map<string, number>();
  for (const [key, block] of blocks.entries()) {
    const source = blockSource(key);
    const id = `${block.exchange}\u001f${source}\u001f${block.level}`;
    if (!seen.has(id) && seen.size < 1000) seen.set(id, { [Attr.exchange]: block.exchange, [Attr.blockSource]: source, [Attr.blockLevel]: block.level });
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  for (const [id, attributes] of seen) result.observe(counts.get(id) ?? 0, attributes);
}

/** What the governor is asked about. */
export interface OrderIntentCheck {
  /** The order only reduces exposure (closing or cancelling): allowed even when halted. */
  readonly reducesRisk?: boolean;
  /** The exchange it goes to: its blocks apply (rate limit, clock, ban). */
  readonly exchange?: string;
  /** Its symbol: that symbol's blocks apply too (a silent order book). */
  readonly symbol?: string;
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
  /** Exchange and symbol blocks set by exchange health (trading-telemetry/ccxt), consulted per order. */
  readonly blocks?: RiskBlocks;
}

/**
 * Decides whether trading code may place an order: `normal` allows everything, `throttled`
 * allows a few orders per second (token bucket), `halted` allows only risk-reducing orders.
 * Firing alerts drive it through their `governor` label (`halt` or `throttle`), anomalies
 * throttle it, and an operator can override it by hand (with an expiry). Every transition is
 * logged, is the gauge `trading.governor.state`, and is an incident.
 *
 * On top of that state, exchange health blocks one exchange, or one symbol, before the exchange
 * refuses (`blocks`): an order to a halted exchange or symbol is refused unless it reduces risk,
 * one to a throttled exchange gets that exchange's own token bucket. Each block set or lifted is
 * logged and an incident. `allow()` never throws: it is meant for the trading path.
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
  /** Token buckets of throttled exchanges: tokens and when they were counted. */
  readonly #exchangeTokens = new Map<string, { tokens: number; at: number }>();

  constructor(options: GovernorOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    options.blocks?.onChange((change) => {
      const { block } = change;
      const where = block.symbol === undefined ? block.exchange : `${block.exchange} ${block.symbol}`;
      const message = change.kind === 'set' ? `governor ${block.level === 'halt' ? 'halts' : 'throttles'} ${where}: ${block.reason}` : `governor lifts the ${block.level} of ${where} (${block.reason})`;
      options.logger?.warn({ exchange: block.exchange, symbol: block.symbol, level: block.level, reason: block.reason, change: change.kind }, message);
      options.incidents?.record({ at: this.#now(), kind: 'governor', rule: `block:${change.key}`, severity: change.kind === 'cleared' ? 'info' : block.level === 'halt' ? 'critical' : 'warning', message });
    });
    if (options.meter !== undefined) {
      observeInstrument(options.meter, Instruments.governorState, (result) => {
        for (const state of STATES) result.observe(state === this.state ? 1 : 0, { state });
      });
      const blocks = options.blocks;
      if (blocks !== undefined) observeInstrument(options.meter, Instruments.governorBlocks, (result) => observeBlocks(blocks, result));
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

  /**
   * The exchange and symbol blocks in force, with their source (`rate_limit`, `ban`, `clock`,
   * `book`): what holds one exchange or symbol back while the state may be `normal`.
   */
  blocks(): { exchange: string; symbol?: string; level: RiskBlock['level']; source: string; reason: string; until?: number }[] {
    return (this.#options.blocks?.entries() ?? []).map(([key, block]) => ({ ...block, source: blockSource(key) }));
  }

  /** May this order go out? */
  allow(intent: OrderIntentCheck = {}): GovernorDecision {
    const decision = this.#allowByState(intent);
    if (!decision.allowed) return decision;
    const block = this.#options.blocks?.find(intent.exchange, intent.symbol);
    return block === undefined ? decision : this.#allowByBlock(block, intent);
  }

  #allowByState(intent: OrderIntentCheck): GovernorDecision {
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

  /** An order to a blocked exchange or symbol: refused when halted (unless it reduces risk), rationed when throttled. */
  #allowByBlock(block: RiskBlock, intent: OrderIntentCheck): GovernorDecision {
    const state: GovernorState = block.level === 'halt' ? 'halted' : 'throttled';
    const reason = `${block.symbol === undefined ? block.exchange : `${block.exchange} ${block.symbol}`}: ${block.reason}`;
    if (intent.reducesRisk === true) return { allowed: true, state, reason };
    if (block.level === 'halt') return { allowed: false, state, reason };
    const now = this.#now();
    const rate = this.#options.throttledOrdersPerSecond ?? 1;
    const bucket = this.#exchangeTokens.get(block.exchange) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.#exchangeTokens.set(block.exchange, bucket);
    if (bucket.tokens < 1) return { allowed: false, state, reason };
    bucket.tokens -= 1;
    return { allowed: true, state, reason };
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
