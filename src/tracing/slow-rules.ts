import { LATENCY_BUCKETS_SECONDS, type OrderStage } from '../conventions.js';
import type { ResolvedSlowRule, TimedStage } from './keep-policy-options.js';
import { SlidingQuantile } from './sliding-quantile.js';

/** An order's stages as it recorded them: names and epoch-ms times, `created` first. */
export interface StageTimeline {
  readonly names: readonly OrderStage[];
  readonly times: readonly number[];
}

/** One rule of what is slow: told about every finished order, it says whether that one was. */
export interface SlowRule {
  /** Whether `timeline` is slow by this rule; a live rule also learns from it. `now` is epoch ms. */
  exceeded(timeline: StageTimeline, now: number): boolean;
}

/** The whole order's duration, in seconds. */
function totalSeconds({ times }: StageTimeline): number {
  return ((times[times.length - 1] as number) - (times[0] as number)) / 1000;
}

/** The duration of the `i`th stage reached (the time since the one before it), in seconds. */
function stageSeconds({ times }: StageTimeline, i: number): number {
  return ((times[i] as number) - (times[i - 1] as number)) / 1000;
}

/** Slower than a fixed number of seconds. */
class FixedLimit implements SlowRule {
  readonly #stage: TimedStage | undefined;
  readonly #seconds: number;

  constructor(stage: TimedStage | undefined, seconds: number) {
    this.#stage = stage;
    this.#seconds = seconds;
  }

  exceeded(timeline: StageTimeline): boolean {
    if (this.#stage === undefined) return totalSeconds(timeline) > this.#seconds;
    for (let i = 1; i < timeline.names.length; i++) {
      if (timeline.names[i] === this.#stage && stageSeconds(timeline, i) > this.#seconds) return true;
    }
    return false;
  }
}

/**
 * Slower than a quantile of the recent orders. Every order's durations go into a sliding
 * window; the limit is read from it at most once a second (a merge of the window's slots), so
 * an order pays a binary search per duration. Until the window holds `minOrders`, nothing is slow.
 */
class LiveQuantile implements SlowRule {
  readonly #stage: TimedStage | undefined;
  readonly #quantile: number;
  readonly #minOrders: number;
  readonly #window: SlidingQuantile;
  #limit = Infinity;
  #readAt = -Infinity;

  constructor(stage: TimedStage | undefined, quantile: number, windowMillis: number, minOrders: number) {
    this.#stage = stage;
    this.#quantile = quantile;
    this.#minOrders = minOrders;
    this.#window = new SlidingQuantile(LATENCY_BUCKETS_SECONDS, windowMillis);
  }

  exceeded(timeline: StageTimeline, now: number): boolean {
    if (now - this.#readAt >= 1000 || now < this.#readAt) {
      this.#readAt = now;
      const { value, count } = this.#window.quantile(this.#quantile, now);
      this.#limit = count >= this.#minOrders ? value : Infinity;
    }
    if (this.#stage === undefined) return this.#learn(totalSeconds(timeline), now);
    let slow = false;
    for (let i = 1; i < timeline.names.length; i++) {
      if (timeline.names[i] === this.#stage) slow = this.#learn(stageSeconds(timeline, i), now) || slow;
    }
    return slow;
  }

  /** Records one duration; whether it is above the limit. */
  #learn(seconds: number, now: number): boolean {
    this.#window.record(seconds, now);
    return seconds > this.#limit;
  }
}

/** The rule `resolved` describes. */
export function slowRule(resolved: ResolvedSlowRule): SlowRule {
  return resolved.kind === 'seconds'
    ? new FixedLimit(resolved.stage, resolved.seconds)
    : new LiveQuantile(resolved.stage, resolved.quantile, resolved.windowMillis, resolved.minOrders);
}
