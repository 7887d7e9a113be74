/**
 * Faults injected into the process itself: the event loop stalls and memory pressure a
 * trading bot meets in production (a synchronous parse of a huge payload, a GC storm, a
 * leak), for chaos scenarios that check health checks and alerts notice them.
 */

/** Blocks the event loop for `millis` (a synchronous busy wait, as a runaway computation would). */
export function stallEventLoop(millis: number): void {
  const until = performance.now() + millis;
  while (performance.now() < until) {
    // spin: nothing else runs on this thread meanwhile, which is the point
  }
}

/** A fault that runs until stopped. */
export interface RunningFault {
  stop(): void;
}

/** Stalls the event loop for `stallMillis` every `everyMillis` until stopped; counts the stalls. */
export function repeatStalls(stallMillis: number, everyMillis: number): RunningFault & { readonly stalls: number } {
  let stalls = 0;
  const timer = setInterval(() => {
    stalls++;
    stallEventLoop(stallMillis);
  }, everyMillis);
  return {
    get stalls() {
      return stalls;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Holds `megabytes` of touched (so really resident) memory until stopped, allocated in 1 MiB
 * chunks on the heap's external memory, as a leak or a large cache would.
 */
export function holdMemory(megabytes: number): RunningFault & { readonly bytes: number } {
  let chunks: Buffer[] = [];
  for (let i = 0; i < megabytes; i++) chunks.push(Buffer.alloc(1024 * 1024, i % 251));
  return {
    bytes: megabytes * 1024 * 1024,
    stop: () => {
      chunks = [];
    },
  };
}
