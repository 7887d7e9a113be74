import type { SpanContext, TraceState } from '@opentelemetry/api';
import type { TraceKeepReason } from '../conventions.js';
import { KEEP_ALL_THRESHOLD, keptAt, randomnessOf, thresholdHex, withSamplingThreshold } from './consistent-sampling.js';
import type { ResolvedKeepPolicy } from './keep-policy-options.js';
import { RateWindow } from './rate-window.js';
import { type SlowRule, slowRule, type StageTimeline } from './slow-rules.js';

/**
 * The keep decision of tail-kept order traces, taken once per order at its end, with how it
 * went in hand: eventful orders first (cause), then slow ones (every slow rule learns from
 * every order, kept or not), then every order while the rate is low, then a consistent random
 * share by trace id. Metrics never depend on it: they come from every order.
 */
export class KeepPolicy {
  /** Every order is kept (`keep: 'all'`), decided when it starts. */
  readonly keepsAll: boolean;
  readonly #slow: readonly SlowRule[];
  readonly #rate = new RateWindow();
  readonly #lowRate: number;
  /** The random share's rejection threshold; undefined keeps none at random. */
  readonly #threshold: string | undefined;

  constructor(resolved: ResolvedKeepPolicy) {
    this.keepsAll = resolved.all;
    this.#slow = resolved.slow.map(slowRule);
    this.#lowRate = resolved.keepAllBelowPerSecond;
    this.#threshold = resolved.random > 0 ? thresholdHex(resolved.random) : undefined;
  }

  /**
   * Why the order of `timeline`, finished at `now` (epoch ms), is kept; undefined when it is not.
   * `eventful`: it ended rejected, expired or timed out, saw an out-of-order stage, or a span of
   * its own ended in error. Its span context gives the randomness (the trace id, or the `rv` of
   * a local parent's tracestate).
   */
  decide(timeline: StageTimeline, eventful: boolean, spanContext: SpanContext, now: number): TraceKeepReason | undefined {
    let slow = false;
    for (const rule of this.#slow) slow = rule.exceeded(timeline, now) || slow;
    this.#rate.record(now);
    if (eventful) return 'cause';
    if (slow) return 'slow';
    if (this.#lowRate > 0 && this.#rate.perSecond(now) < this.#lowRate) return 'low_rate';
    if (this.#threshold !== undefined && keptAt(randomnessOf(spanContext.traceId, spanContext.traceState), this.#threshold)) return 'random';
    return undefined;
  }

  /**
   * The tracestate a span kept for `reason` carries: `traceState` with `ot=th:…;rv:…`, the
   * threshold of the random share for `random` and probability 1 (th:0) for the others, which
   * keep every order they match. A sampled remote parent's is passed on unchanged, as
   * parent-based samplers do.
   */
  traceStateFor(reason: TraceKeepReason, traceId: string, traceState: TraceState | undefined): TraceState | undefined {
    if (reason === 'parent') return traceState;
    const threshold = reason === 'random' ? (this.#threshold ?? KEEP_ALL_THRESHOLD) : KEEP_ALL_THRESHOLD;
    return withSamplingThreshold(traceState, threshold, randomnessOf(traceId, traceState));
  }
}
