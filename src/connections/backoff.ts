/** Reconnection backoff: exponential with jitter, capped. */
export interface BackoffOptions {
  /** First delay, in ms. Default 250. */
  readonly initialDelayMillis?: number;
  /** Cap, in ms. Default 30000. */
  readonly maxDelayMillis?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /** ± share of the delay drawn at random, 0 to 1, so many clients do not reconnect in step. Default 0.2. */
  readonly jitter?: number;
}

/**
 * The delay before reconnection attempt `attempt` (0-based):
 * `min(max, initial × factor^attempt) × (1 ± jitter)`. `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialDelayMillis ?? 250;
  const max = options.maxDelayMillis ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 0.2;
  const base = Math.min(max, initial * factor ** attempt);
  return Math.max(0, base * (1 + jitter * (2 * random() - 1)));
}
