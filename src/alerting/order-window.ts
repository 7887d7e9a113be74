import type { RuleContext } from './alert-types.js';

/** Order counts summed over a sliding window of evaluation intervals. */
export interface OrderCounts {
  readonly placed: number;
  readonly filled: number;
  readonly rejected: number;
}

/**
 * A sliding window over the engine's intervals: feed it each evaluation's context and it
 * returns the orders placed, filled and rejected in the last `windowSeconds`. Rate rules read
 * this instead of one interval, so they see enough orders whatever the trading rate, the
 * evaluation cadence, or a throttled governor.
 */
export function orderWindow(windowSeconds: number): (context: RuleContext) => OrderCounts {
  const intervals: (OrderCounts & { readonly at: number })[] = [];
  return ({ now, interval }) => {
    intervals.push({ at: now, placed: interval.placed, filled: interval.filled, rejected: interval.rejected });
    while ((intervals[0]?.at ?? now) <= now - windowSeconds * 1000) intervals.shift();
    const counts = { placed: 0, filled: 0, rejected: 0 };
    for (const i of intervals) {
      counts.placed += i.placed;
      counts.filled += i.filled;
      counts.rejected += i.rejected;
    }
    return counts;
  };
}
