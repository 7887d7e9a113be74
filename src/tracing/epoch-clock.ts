/** The two clocks {@link epochClock} reads; tests pass their own. */
export interface ClockSources {
  /** Milliseconds on a monotonic clock (`performance.now()`): fine-grained, never steps. */
  readonly monotonic: () => number;
  /** Epoch milliseconds on the wall clock (`Date.now()`), as logs and other services use. */
  readonly wall: () => number;
}

const SYSTEM_CLOCKS: ClockSources = { monotonic: () => performance.now(), wall: () => Date.now() };

/**
 * Epoch milliseconds with sub-millisecond resolution, for span and stage times: the monotonic
 * clock anchored to the wall clock. Anchored once, the two drift apart whenever the wall clock
 * is stepped or the machine sleeps (the monotonic clock does not count a suspend or a VM
 * pause), and a bot running for weeks would stamp its spans away from its own logs. So at most
 * once a second the anchor is checked, and moved when they disagree by more than
 * `toleranceMillis`; smaller differences are `Date.now()`'s granularity and are left alone, so
 * stage durations keep their precision.
 */
export function epochClock(sources: ClockSources = SYSTEM_CLOCKS, toleranceMillis = 5): () => number {
  const { monotonic, wall } = sources;
  let offset = wall() - monotonic();
  let checkedAt = monotonic();
  return () => {
    const at = monotonic();
    if (at - checkedAt >= 1000) {
      checkedAt = at;
      const drift = wall() - (offset + at);
      if (Math.abs(drift) > toleranceMillis) offset += drift;
    }
    return offset + at;
  };
}
