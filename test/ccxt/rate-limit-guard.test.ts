import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { ActivityGovernor } from '../../src/alerting/activity-governor.js';
import { RateLimitGuard } from '../../src/ccxt/rate-limit-guard.js';
import { ThrottlerUsage } from '../../src/ccxt/throttler-usage.js';
import { RiskBlocks } from '../../src/risk-blocks.js';
import { OnDemandReader } from '../support/metric-collector.js';

/** A governor over blocks on one fake clock, with the rate-limit guard of binance. */
function setup(share?: number): { governor: ActivityGovernor; blocks: RiskBlocks; guard: RateLimitGuard; advance: (ms: number) => void; now: () => number; reader: OnDemandReader } {
  let now = 1_000_000;
  const clock = (): number => now;
  const blocks = new RiskBlocks(clock);
  const reader = new OnDemandReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter('t');
  const governor = new ActivityGovernor({ now: clock, blocks, throttledOrdersPerSecond: 1, meter });
  return { governor, blocks, guard: new RateLimitGuard('binance', blocks, share), advance: (ms) => (now += ms), now: clock, reader };
}

const order = { exchange: 'binance', symbol: 'BTC/USDT' };

async function blockGauge(reader: OnDemandReader): Promise<[unknown, unknown, unknown, unknown][]> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'trading.governor.blocks');
  return (metric?.dataPoints ?? []).map((p) => [p.attributes['trading.exchange'], p.attributes['trading.block.source'], p.attributes['trading.block.level'], p.value]);
}

describe('rate-limit headroom: the governor decisions, on a fake clock', () => {
  it('throttles at the share (default 0.9) and lifts only 0.1 below it', () => {
    const { governor, guard } = setup();
    guard.update([{ limit: 'request_weight_1m', usage: 0.89 }], undefined);
    expect(governor.allow(order)).toEqual({ allowed: true, state: 'normal', reason: null });
    guard.update([{ limit: 'request_weight_1m', usage: 0.9 }, { limit: 'orders_10s', usage: 0.2 }], undefined);
    expect(governor.allow(order)).toEqual({ allowed: true, state: 'throttled', reason: 'binance: rate limit request_weight_1m at 90 % or more of its size' });
    expect(governor.allow(order).allowed).toBe(false); // one order a second while throttled
    expect(governor.allow({ exchange: 'okx' }).state).toBe('normal');
    guard.update([{ limit: 'request_weight_1m', usage: 0.81 }], undefined);
    expect(guard.throttled).toBe(true); // hysteresis: still within 0.1 of the share
    guard.update([{ limit: 'request_weight_1m', usage: 0.79 }], undefined);
    expect(guard.throttled).toBe(false);
    expect(governor.allow(order).state).toBe('normal');
  });

  it('takes the share it is given', () => {
    const { governor, guard } = setup(0.5);
    guard.update([{ limit: 'request_weight_1m', usage: 0.55 }], undefined);
    expect(governor.allow(order).reason).toBe('binance: rate limit request_weight_1m at 50 % or more of its size');
  });

  it('a 429 throttles until its Retry-After ends, then the usage decides again', () => {
    const { governor, guard, advance, now } = setup();
    guard.update([{ limit: 'request_weight_1m', usage: 0.5 }], { status: 429, until: now() + 30_000 });
    expect(governor.allow(order)).toEqual({ allowed: true, state: 'throttled', reason: 'binance: rate limited (429) until its Retry-After ends' });
    advance(29_999);
    expect(governor.allow(order).state).toBe('throttled');
    advance(1);
    expect(governor.allow(order).state).toBe('normal');
    guard.update([{ limit: 'request_weight_1m', usage: 0.5 }], undefined);
    expect(governor.allow(order).state).toBe('normal');
  });

  it('a 418 halts the exchange until the ban ends; risk-reducing orders still go', async () => {
    const { governor, guard, advance, now, reader } = setup();
    guard.update([], { status: 418, until: now() + 120_000 });
    expect(governor.allow(order)).toEqual({ allowed: false, state: 'halted', reason: 'binance: IP banned (418) until its Retry-After ends' });
    expect(governor.allow({ ...order, reducesRisk: true }).allowed).toBe(true);
    expect(await blockGauge(reader)).toEqual([['binance', 'ban', 'halt', 1]]);
    advance(120_000);
    expect(governor.allow(order).allowed).toBe(true);
    expect(await blockGauge(reader)).toEqual([['binance', 'ban', 'halt', 0]]);
  });
});

describe("ccxt's throttler usage", () => {
  it("is the cost admitted in the last 10 s over what the bucket's rate admits", () => {
    let now = 50_000;
    const usage = new ThrottlerUsage(() => now);
    // Binance in ccxt: a leaky bucket of 1/50 cost per ms (20 a second, 200 in 10 s).
    const exchange = { throttler: { config: { algorithm: 'leakyBucket', refillRate: 1 / 50 } } };
    expect(usage.usage()).toBeUndefined();
    for (let i = 0; i < 100; i++) usage.record(exchange, 1);
    expect(usage.usage()).toBeCloseTo(0.5);
    usage.record(exchange, undefined); // ccxt's default cost: 1
    now += 5_000;
    for (let i = 0; i < 79; i++) usage.record(exchange, 1);
    expect(usage.usage()).toBeCloseTo(0.9);
    now += 5_000; // the first 101 leave the window
    expect(usage.usage()).toBeCloseTo(79 / 200);
    now += 60_000;
    expect(usage.usage()).toBe(0);
  });

  it('reads a rolling window, and nothing when rate limiting is off', () => {
    const usage = new ThrottlerUsage(() => 0);
    usage.record({ enableRateLimit: false, throttler: { config: { refillRate: 1 } } }, 1);
    expect(usage.usage()).toBeUndefined();
    usage.record({ throttler: { config: { algorithm: 'rollingWindow', maxWeight: 600, windowSize: 60_000 } } }, 50);
    expect(usage.usage()).toBeCloseTo(0.5);
  });
});
