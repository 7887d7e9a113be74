import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { holdMemory, repeatStalls, stallEventLoop } from '../../src/chaos/process-faults.js';

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

  it('held memory is resident until released', () => {
    const before = process.memoryUsage().arrayBuffers;
    const fault = holdMemory(64);
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThanOrEqual(fault.bytes * 0.9);
    fault.stop();
  });
});
