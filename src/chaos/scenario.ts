import type { CheckStatus } from './bot-observer.js';
import type { FaultyCollector } from './faulty-collector.js';
import type { FaultName } from './proxy/fault-requests.js';
import type { FaultCounts } from './proxy/proxy-faults.js';

/** What a scenario's fault acts on. */
export interface ChaosTargets {
  /** POSTs to the simulated exchange's control API, e.g. `exchange('/control/latency', { millis: 2500 })`. */
  exchange(path: string, params?: Readonly<Record<string, string | number | boolean>>): Promise<void>;
  /** POSTs to the bot's own /chaos/* routes (event-loop stalls, heap pressure). */
  bot(path: string, params?: Readonly<Record<string, string | number>>): Promise<void>;
  /**
   * POSTs a fault to the chaos proxy between the bot and its exchange, e.g.
   * `proxy('silent-symbol', { symbol: 'BTC/USDT' })`; rejects when the run has no proxy.
   */
  proxy(fault: FaultName, body?: Readonly<Record<string, string | number>>): Promise<void>;
  /** How often each proxy fault acted so far; undefined when the run has no proxy. */
  proxyCounts(): Promise<Readonly<FaultCounts> | undefined>;
  /** The collector the bot exports to. */
  readonly collector: FaultyCollector;
  /** Waits, unless the run is aborted. */
  sleep(millis: number): Promise<void>;
}

/** How long a scenario runs: `short` in CI, `full` for `npm run chaos`. */
export type ChaosProfile = 'short' | 'full';

/** What a scenario promises. Every field is optional; each present one is checked. */
export interface ChaosExpectations {
  /** In-process alert rules that must fire during the fault (and resolve after it). */
  readonly alerts?: readonly string[];
  /** Health checks that must leave `healthy` during the fault (`degraded` accepts unhealthy too). */
  readonly checks?: Readonly<Record<string, Exclude<CheckStatus, 'healthy'>>>;
  /** The readiness verdict the fault must produce (false: the bot must go unready). */
  readonly ready?: boolean;
  /** The activity governor state the fault must drive it to (while one of `alerts` fires). */
  readonly governor?: 'throttled' | 'halted';
  /**
   * Exchange-health blocks the governor must put in force (GET /api/alerts `governor.blocks`):
   * they hold one exchange or one symbol back and leave the governor's state `normal`.
   */
  readonly blocks?: readonly BlockExpectation[];
  /** Fills must keep coming during the fault: telemetry trouble never stops trading. */
  readonly tradingContinues?: boolean;
  /**
   * The fault shows only on orders (their latency, refusals, fills): it is injected once the bot
   * has placed an order within the last 2 s, so a bot that was not trading fails the clean start
   * instead of missing the alert.
   */
  readonly tradingBefore?: boolean;
  /** The telemetry drop counters must rise (and by exactly what was lost). */
  readonly telemetryDrops?: boolean;
  /** After healing, the collector must receive spans again. */
  readonly exportResumes?: boolean;
  /**
   * Samples of the bot's `/metrics` that must show the fault: a counter that must rise
   * (`rises`; recovered once it has not risen for 1 s), or a gauge that must reach `atLeast`
   * (recovered below it).
   */
  readonly metrics?: readonly MetricExpectation[];
  /** Proxy fault counts that must rise: the fault reached the bot's traffic (a check of the drill, not a detection). */
  readonly proxyActs?: readonly (keyof FaultCounts)[];
  /**
   * The exchange must ban nothing during the drill (no 418), and refuse nothing more for the
   * rate (no 429) once the governor put a `rate_limit` block in force: it throttled before the
   * exchange had to.
   */
  readonly noRefusalsOnceThrottled?: boolean;
  /** Detection within this many ms of the injection. */
  readonly detectWithinMillis: number;
  /** Recovery within this many ms of healing. */
  readonly recoverWithinMillis: number;
}

/** A block the governor must put in force, as GET /api/alerts lists it. */
export interface BlockExpectation {
  /** What set it: `rate_limit`, `ban`, `clock` or `book` (`trading.block.source`). */
  readonly source: string;
  /** `halt` accepts only a halt; `throttle` accepts a halt too. */
  readonly level: 'throttle' | 'halt';
  /** Only this symbol: no block of `source` may be in force on another symbol meanwhile. */
  readonly symbol?: string;
}

/** A sample of the bot's `/metrics` a fault must move. */
export interface MetricExpectation {
  /** The Prometheus name, e.g. `trading_exchange_rate_limit_refusals_total`. */
  readonly name: string;
  /** Labels the samples must have (summed across the rest). */
  readonly labels?: Readonly<Record<string, string>>;
  /** A counter: the sum must rise above its value before the fault, and stop rising after the heal. */
  readonly rises?: boolean;
  /** A gauge: the sum must reach this. */
  readonly atLeast?: number;
}

/** One fault, its duration and what it must cause. */
export interface ChaosScenario {
  readonly name: string;
  readonly description: string;
  /** How long the fault lasts, ms, per profile. */
  readonly faultMillis: Readonly<Record<ChaosProfile, number>>;
  /** Starts the fault; may keep changing it until `faultMillis` has passed (the collector phases do). */
  inject(targets: ChaosTargets, faultMillis: number): Promise<void>;
  /** Ends the fault. */
  heal(targets: ChaosTargets): Promise<void>;
  readonly expect: ChaosExpectations;
}
