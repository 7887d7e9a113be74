import { describe, expect, it } from 'vitest';
import { RateLimitStorm } from '../../src/chaos/proxy/rate-limit-storm.js';

describe('the rate-limit storm (fake clock)', () => {
  const options = { budget: 4, limit: 1200, windowMillis: 10_000, banAfter: 1, banSeconds: 5, backgroundPerSecond: 0, usedAtStart: 0 };

  it('scales the weight spent to the known limit, refuses with 429 once spent, bans on the refusal after banAfter, and forgets with the window', () => {
    let now = 1_000_000;
    const storm = new RateLimitStorm(options, () => now);
    // Upstream's header rises by the weight of each answer; the first answer counts 1.
    for (const header of ['10', '12', '13']) {
      expect(storm.admit()).toBeUndefined();
      storm.spent(header);
    }
    expect(storm.reportedUsed()).toBe(Math.ceil((4 * 1200) / 4));
    now += 2_000;
    expect(storm.admit()).toEqual({ status: 429, retryAfterSeconds: 8 });
    expect(storm.admit()).toEqual({ status: 418, retryAfterSeconds: 5 });
    now += 3_000;
    expect(storm.admit()).toEqual({ status: 418, retryAfterSeconds: 2 });
    expect(storm.state()).toMatchObject({ refused429: 1, refused418: 2, bannedUntil: 1_007_000 });
    now += 5_000; // the next window, the ban over
    expect(storm.admit()).toBeUndefined();
    expect(storm.reportedUsed()).toBe(0);
    storm.spent('2'); // upstream's own window started again
    expect(storm.state().used).toBe(2);
    storm.spent(undefined); // no header: 1
    expect(storm.state().used).toBe(3);
  });

  it('starts each window with what others on the IP spent already', () => {
    let now = 0;
    const storm = new RateLimitStorm({ ...options, budget: 10, usedAtStart: 8 }, () => now);
    expect(storm.reportedUsed()).toBe(960);
    storm.spent('1');
    storm.spent('2');
    expect(storm.admit()).toEqual({ status: 429, retryAfterSeconds: 10 });
    now = 10_000; // the next window: only the others' share again
    expect(storm.state().used).toBe(8);
    expect(storm.admit()).toBeUndefined();
  });

  it('adds the weight others on the IP spend, window by window', () => {
    let now = 0;
    const storm = new RateLimitStorm({ ...options, budget: 10, backgroundPerSecond: 2 }, () => now);
    now = 2_500;
    expect(storm.state().used).toBe(5);
    expect(storm.reportedUsed()).toBe(600);
    now = 5_000;
    expect(storm.admit()).toEqual({ status: 429, retryAfterSeconds: 5 });
    now = 10_500; // the next window: half a second of background
    expect(storm.state().used).toBe(1);
    expect(storm.admit()).toBeUndefined();
  });
});
