import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { collectGarbage, holdHeap, megabytesToHeapShare, repeatStalls, stallEventLoop } from '../../src/chaos/process-faults.js';

describe('process faults', () => {
  it('a stall really blocks the event loop for its duration', async () => {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    await new Promise((resolve) => setTimeout(resolve, 50));
    stallEventLoop(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    histogram.disable();
    expect(histogram.max / 1e6).toBeGreaterThanOrEqual(150);
  });

  it('repeated stalls recur until stopped, then never again', async () => {
    const fault = repeatStalls(2, 10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    fault.stop();
    const stalls = fault.stalls;
    expect(stalls).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fault.stalls).toBe(stalls);
  });

  it('held heap counts against the heap limit until released, and is collected on release', () => {
    // Start from a collected heap: garbage left by earlier tests, collected while the hold
    // allocates, would otherwise come off the measured growth (CI once saw 56.4 of 64 MiB).
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const fault = holdHeap(64);
    expect(process.memoryUsage().heapUsed - before).toBeGreaterThanOrEqual(fault.bytes * 0.9);
    fault.stop();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(fault.bytes * 0.5);
  });

  it('sizes a hold to reach a share of the heap limit, from what is live once garbage is collected', () => {
    // 64 MiB of garbage: counted as used, it would make the hold fall short once collected.
    const garbage = (): number => Array.from({ length: 64 }, () => new Array<number>(131_072).fill(1)).length;
    garbage();
    const megabytes = megabytesToHeapShare(0.5);
    collectGarbage(); // what a collection during the drill would leave
    const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
    expect(Math.abs(used + megabytes * 1024 * 1024 - 0.5 * limit)).toBeLessThan(2 * 1024 * 1024);
    expect(megabytesToHeapShare(0)).toBe(0);
  });
});
