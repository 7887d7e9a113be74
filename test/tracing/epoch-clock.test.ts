import { describe, expect, it } from 'vitest';
import { epochClock } from '../../src/tracing/epoch-clock.js';

describe('the epoch clock of span and stage times', () => {
  it('keeps sub-millisecond resolution, and follows the wall clock across a suspend or a step', () => {
    let monotonic = 0;
    let wall = 1_000_000;
    const now = epochClock({ monotonic: () => monotonic, wall: () => wall });
    expect(now()).toBe(1_000_000);
    monotonic = 500.25;
    wall = 1_000_500;
    expect(now()).toBe(1_000_500.25); // between checks: the monotonic clock, fractions kept

    // The machine sleeps 10 s: the wall clock moves on, the monotonic clock does not.
    monotonic = 1500.25;
    wall = 1_011_500; // 1 s later, plus the 10 s asleep
    expect(now()).toBe(1_011_500); // checked (a second has passed): re-anchored

    // A millisecond or two of disagreement is Date.now()'s granularity: left alone.
    monotonic = 2500.75;
    wall = 1_012_503;
    expect(now()).toBe(1_012_500.5); // anchored at 1,011,500 − 1500.25

    // The wall clock is stepped back 30 s (NTP): followed at the next check.
    monotonic = 3600;
    wall = 1_013_600 - 30_000;
    expect(now()).toBe(983_600);
  });

  it('reads the wall clock at most once a second', () => {
    let monotonic = 0;
    let wallReads = 0;
    const now = epochClock({ monotonic: () => monotonic, wall: () => (wallReads++, 1_000_000 + monotonic) });
    for (let i = 0; i < 10_000; i++) {
      monotonic += 0.01;
      now();
    }
    expect(monotonic).toBeCloseTo(100, 6);
    expect(wallReads).toBe(1); // the anchor; 100 ms of calls never reached a check
    monotonic += 1000;
    now();
    expect(wallReads).toBe(2);
  });
});
