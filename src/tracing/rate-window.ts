/**
 * How many events per second happened over the last `windowSeconds`, counted in one-second
 * slots: recording is an index step and an addition, reading a division. In the first
 * `minSeconds` of its life the count is divided by `minSeconds`, not by the few seconds seen,
 * so a burst at start-up does not read as a low rate for ever longer than that.
 */
export class RateWindow {
  readonly #counts: Float64Array;
  readonly #minSeconds: number;
  #total = 0;
  /** The second (epoch) the newest slot counts; undefined before the first event. */
  #second: number | undefined;
  #firstSecond: number | undefined;

  constructor(windowSeconds = 60, minSeconds = 10) {
    this.#counts = new Float64Array(windowSeconds);
    this.#minSeconds = Math.min(minSeconds, windowSeconds);
  }

  /** Counts one event at `now` (epoch ms). */
  record(now: number): void {
    const second = this.#advance(now);
    const slot = second % this.#counts.length;
    this.#counts[slot] = (this.#counts[slot] as number) + 1;
    this.#total++;
  }

  /** Events per second over the window ending at `now` (epoch ms). */
  perSecond(now: number): number {
    const second = this.#advance(now);
    const seen = second - (this.#firstSecond ?? second) + 1;
    return this.#total / Math.min(this.#counts.length, Math.max(this.#minSeconds, seen));
  }

  /** Clears the slots time has moved past; returns the current second. */
  #advance(now: number): number {
    const second = Math.floor(now / 1000);
    this.#firstSecond ??= second;
    const last = this.#second ?? second;
    // A clock that steps back counts into the newest slot rather than clearing the window.
    const steps = Math.min(Math.max(second - last, 0), this.#counts.length);
    for (let k = 1; k <= steps; k++) {
      const slot = (last + k) % this.#counts.length;
      this.#total -= this.#counts[slot] as number;
      this.#counts[slot] = 0;
    }
    if (second > last || this.#second === undefined) this.#second = second;
    return this.#second;
  }
}
