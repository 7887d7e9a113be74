import type { Random } from './random.js';

/** One-way latency of the exchange's order responses. */
export interface LatencyModel {
  /** Fixed part, in ms. Default 2. */
  readonly baseMillis?: number;
  /** Mean of the exponential jitter on top, in ms. Default 3. */
  readonly jitterMeanMillis?: number;
}

/** A latency draw: base plus exponential jitter plus any injected extra, in ms. */
export function drawLatency(model: LatencyModel, random: Random, extraMillis: number): number {
  const jitter = -Math.log(1 - random.next()) * (model.jitterMeanMillis ?? 3);
  return (model.baseMillis ?? 2) + jitter + extraMillis;
}
