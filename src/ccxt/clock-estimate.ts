/** One estimate of an exchange's clock against ours. */
export interface ClockReading {
  /** The exchange's clock minus ours, ms (positive: the exchange is ahead). */
  readonly offsetMillis: number;
  /**
   * The error bound of the offset, ms: half the round trip it was measured over, and the
   * timestamp's resolution. Null when WebSocket stamps alone measured it: the offset is then at
   * least `offsetMillis`, and nothing bounds it from above.
   */
  readonly uncertaintyMillis: number | null;
  /** Our clock ms when it was measured. */
  readonly measuredAt: number;
}

/** How fast an estimate's error bound grows with age: 100 ppm, a poor quartz clock's drift. */
const DRIFT_PER_MILLI = 1e-4;
/** Clock resolution allowed for (Date.now is in whole ms). */
const RESOLUTION_MILLIS = 1;

/**
 * The best estimate of one exchange's clock offset from what its answers are stamped with:
 * - a REST response whose exchange time `T` was stamped between our sending at `t0` and our
 *   receiving at `t1` says offset = T − (t0 + t1) / 2 within ± (t1 − t0) / 2 (plus the
 *   stamp's resolution: 1 s for a `Date` header);
 * - a WebSocket event stamped `E` and received at `t` says only offset ≥ E − t (it travelled
 *   for a while): a lower bound, which replaces the estimate when it proves it wrong, and is
 *   then one-sided (no error bound) until a round trip measures it again.
 * The estimate kept is the one with the smallest error bound (which grows with age by the
 * drift of a clock), unless a new measurement disagrees with it: then the clock stepped, and
 * the new one is taken. A one-sided estimate is raised by each higher lower bound, and any
 * round trip replaces it.
 */
export class ClockEstimate {
  #best: ClockReading | undefined;

  /** The estimate now, undefined before the first measurement. */
  get current(): ClockReading | undefined {
    return this.#best;
  }

  /** A response stamped `exchangeTime` (resolution `resolutionMillis`) for a request sent at `sentAt`, answered at `receivedAt`. */
  response(exchangeTime: number, sentAt: number, receivedAt: number, resolutionMillis = RESOLUTION_MILLIS): boolean {
    if (!(receivedAt >= sentAt)) return false;
    const half = (receivedAt - sentAt) / 2;
    const reading = { offsetMillis: exchangeTime + resolutionMillis / 2 - (sentAt + half), uncertaintyMillis: half + resolutionMillis / 2, measuredAt: receivedAt };
    const best = this.#best;
    if (best === undefined || reading.uncertaintyMillis <= this.#bound(best, receivedAt) || Math.abs(reading.offsetMillis - best.offsetMillis) > reading.uncertaintyMillis + this.#bound(best, receivedAt)) {
      this.#best = reading;
      return true;
    }
    return false;
  }

  /** An event stamped `exchangeTime` received at `receivedAt`: the offset is at least their difference. */
  event(exchangeTime: number, receivedAt: number): boolean {
    const lower = exchangeTime - receivedAt;
    const best = this.#best;
    // A bound estimate is disproved only beyond its upper bound; a lower bound is raised by any higher one.
    const above = best === undefined ? -Infinity : best.uncertaintyMillis === null ? best.offsetMillis : best.offsetMillis + this.#bound(best, receivedAt);
    if (lower <= above + RESOLUTION_MILLIS) return false;
    this.#best = { offsetMillis: lower, uncertaintyMillis: null, measuredAt: receivedAt };
    return true;
  }

  /** The error bound of `reading` at `now`: Infinity for a one-sided one, which any round trip beats. */
  #bound(reading: ClockReading, now: number): number {
    return reading.uncertaintyMillis === null ? Infinity : reading.uncertaintyMillis + Math.max(0, now - reading.measuredAt) * DRIFT_PER_MILLI;
  }
}
