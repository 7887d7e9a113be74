import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

/** 1 MiB of V8 heap: a packed array of small integers, 8 bytes each. */
const ELEMENTS_PER_MIB = (1024 * 1024) / 8;

/**
 * Holds `megabytes` of live V8 heap (so resident, and counted against the heap limit the memory
 * health check watches) until stopped, as a leak or an unbounded cache would. `stop` drops it
 * and, when the process can (`--expose-gc`, or V8's flag set at run time), collects it at once
 * so recovery is measured rather than the garbage collector's schedule.
 */
export function holdHeap(megabytes: number): RunningFault & { readonly bytes: number } {
  let chunks: number[][] = [];
  for (let i = 0; i < megabytes; i++) chunks.push(new Array<number>(ELEMENTS_PER_MIB).fill(i % 251));
  return {
    bytes: megabytes * 1024 * 1024,
    stop: () => {
      chunks = [];
      collectGarbage();
    },
  };
}

/**
 * How many MiB {@link holdHeap} must hold to bring heap use to `share` of the heap limit
 * (0 when it is already there), once garbage is collected: garbage counted as used would make
 * the fill fall short as soon as the collector runs.
 */
export function megabytesToHeapShare(share: number): number {
  collectGarbage();
  const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
  return Math.max(0, Math.floor((share * limit - used) / (1024 * 1024)));
}

/** Runs a full garbage collection now (exposing V8's `gc` for the call, as node --expose-gc would). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') (gc as () => void)();
}
