import type { FaultyCollector } from './faulty-collector.js';
import type { CheckStatus } from './bot-observer.js';

/** What a scenario's fault acts on. */
export interface ChaosTargets {
  /** POSTs to the simulated exchange's control API, e.g. `exchange('/control/latency', { millis: 2500 })`. */
  exchange(path: string, params?: Readonly<Record<string, string | number | boolean>>): Promise<void>;
  /** POSTs to the bot's own /chaos/* routes (event-loop stalls, heap pressure). */
  bot(path: string, params?: Readonly<Record<string, string | number>>): Promise<void>;
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
  /** The activity governor state the fault must drive it to. */
  readonly governor?: 'throttled' | 'halted';
  /** Fills must keep coming during the fault: telemetry trouble never stops trading. */
  readonly tradingContinues?: boolean;
  /** The telemetry drop counters must rise (and by exactly what was lost). */
  readonly telemetryDrops?: boolean;
  /** After healing, the collector must receive spans again. */
  readonly exportResumes?: boolean;
  /** Detection within this many ms of the injection. */
  readonly detectWithinMillis: number;
  /** Recovery within this many ms of healing. */
  readonly recoverWithinMillis: number;
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
