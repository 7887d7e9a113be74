/**
 * How many incidents one source (a kind of event for one rule: `silenced` for `*`, `firing`
 * for `latency_spike`) may write per minute, so one noisy source (a script creating silences in
 * a loop, a flapping rule) cannot rotate the whole history away. Over budget, incidents are
 * still counted and kept in memory, not written. At most `maxSources` sources are tracked.
 */
export class IncidentBudget {
  readonly #perMinute: number;
  readonly #maxSources: number;
  readonly #sources = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute = 60, maxSources = 1024) {
    this.#perMinute = perMinute;
    this.#maxSources = maxSources;
  }

  /** Whether `source` may write one more incident at `now` (epoch ms); takes one if so. */
  take(source: string, now: number): boolean {
    let bucket = this.#sources.get(source);
    if (bucket === undefined) {
      if (this.#sources.size >= this.#maxSources) {
        const oldest = this.#sources.keys().next().value;
        if (oldest !== undefined) this.#sources.delete(oldest);
      }
      bucket = { tokens: this.#perMinute, at: now };
      this.#sources.set(source, bucket);
    }
    bucket.tokens = Math.min(this.#perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * this.#perMinute);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
