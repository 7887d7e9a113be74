import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAlerting } from 'trading-telemetry/alerting';
import { InstrumentedBinance } from '../support/instrumented-binance.js';
import { ActivityGovernor } from '../../src/alerting/activity-governor.js';
import { ClockEstimate } from '../../src/ccxt/clock-estimate.js';
import { VenueClock } from '../../src/ccxt/venue-clock.js';
import { exchangeMetricsOf } from '../../src/ccxt/exchange-metrics.js';
import { facadeInternalsOf } from '../../src/trading-telemetry.js';
import { RiskBlocks } from '../../src/risk-blocks.js';
import { metricsHarness } from '../support/metric-collector.js';

describe('the clock offset estimate', () => {
  it('compensates the round trip: the offset is the stamp against the middle, within half the round trip', () => {
    const estimate = new ClockEstimate();
    // Sent at 1000, answered at 1040, stamped 4020 by the exchange: 3000 ahead, ± 20 (and the 1 ms resolution).
    estimate.response(4_020, 1_000, 1_040);
    expect(estimate.current).toEqual({ offsetMillis: 3_000.5, uncertaintyMillis: 20.5, measuredAt: 1_040 });
  });

  it('keeps the tightest measurement, unless a new one disagrees with it (the clock stepped)', () => {
    const estimate = new ClockEstimate();
    estimate.response(1_005, 1_000, 1_010); // 0 ± 5
    expect(estimate.response(2_100, 2_000, 2_100)).toBe(false); // 50 ± 50: agrees, and is looser
    expect(estimate.current?.offsetMillis).toBe(0.5);
    // A Date header: whole seconds, so ± 500 at best; it agrees.
    expect(estimate.response(3_000, 3_000, 3_010, 1_000)).toBe(false);
    // The exchange's clock jumps 2 s ahead: the next measurement disagrees, and is taken.
    expect(estimate.response(6_005, 4_000, 4_010)).toBe(true);
    expect(estimate.current?.offsetMillis).toBe(2_000.5);
  });

  it('a stream event can only say the offset is at least its stamp minus its receipt; it replaces an estimate it disproves', () => {
    const estimate = new ClockEstimate();
    estimate.response(1_005, 1_000, 1_010);
    expect(estimate.event(1_990, 2_000)).toBe(false); // 10 ms on the way: consistent with 0
    expect(estimate.event(4_990, 2_000)).toBe(true); // stamped 2990 ms after we got it: the exchange is ahead
    // Only a lower bound now: nothing bounds it from above until a round trip measures it again.
    expect(estimate.current).toEqual({ offsetMillis: 2_990, uncertaintyMillis: null, measuredAt: 2_000 });
  });

  it('from WebSocket stamps alone, a lower bound with no error bound: each higher stamp raises it, any round trip replaces it', () => {
    const estimate = new ClockEstimate();
    expect(estimate.event(1_960, 2_000)).toBe(true); // 40 ms or less on the way: the offset is at least -40
    expect(estimate.current).toEqual({ offsetMillis: -40, uncertaintyMillis: null, measuredAt: 2_000 });
    expect(estimate.event(2_950, 3_000)).toBe(false); // a lower one says nothing new
    expect(estimate.event(3_995, 4_000)).toBe(true); // a quicker event: at least -5
    expect(estimate.current).toEqual({ offsetMillis: -5, uncertaintyMillis: null, measuredAt: 4_000 });
    // A Date header, ± 500 ms, is still a bound both ways: it replaces the one-sided estimate.
    expect(estimate.response(5_000, 5_000, 5_010, 1_000)).toBe(true);
    expect(estimate.current?.uncertaintyMillis).toBe(505);
  });
});

describe('the clock block and health, on a fake clock', () => {
  function setup(): { clock: VenueClock; governor: ActivityGovernor; advance: (ms: number) => number } {
    let now = 1_000_000;
    const blocks = new RiskBlocks(() => now);
    const h = metricsHarness({ clock: () => now });
    const internals = facadeInternalsOf(h.telemetry);
    if (internals === undefined) throw new Error('no internals');
    const clock = new VenueClock('binance', exchangeMetricsOf(internals.families), blocks);
    clock.recvWindowMillis = 5_000;
    return { clock, governor: new ActivityGovernor({ now: () => now, blocks }), advance: (ms) => (now += ms) };
  }
  const order = { exchange: 'binance', symbol: 'BTC/USDT' };
  const measure = (clock: VenueClock, at: number, offset: number, roundTrip = 20): void => clock.response(at + offset + roundTrip / 2, at, at + roundTrip, 0);

  it('degraded at a quarter of the recvWindow, unhealthy at half; halted at half (offset plus uncertainty) until below a quarter', () => {
    const { clock, governor, advance } = setup();
    let at = advance(0);
    measure(clock, at, 1_000);
    expect(clock.finding()).toBeUndefined();
    at = advance(1_000);
    measure(clock, at, 1_300);
    expect(clock.finding()).toEqual({ status: 'degraded', reason: 'binance: its clock is 1300 ms ahead of ours (recvWindow 5000 ms)' });
    expect(governor.allow(order).allowed).toBe(true);
    at = advance(1_000);
    measure(clock, at, -2_480, 60); // 2480 + 30 uncertainty: past half the recvWindow
    expect(clock.finding()?.status).toBe('degraded');
    expect(governor.allow(order)).toEqual({ allowed: false, state: 'halted', reason: 'binance: clock offset at half the recvWindow of 5000 ms or more: signed requests would fail' });
    expect(governor.allow({ ...order, reducesRisk: true }).allowed).toBe(true);
    at = advance(1_000);
    measure(clock, at, -2_600);
    expect(clock.finding()?.status).toBe('unhealthy');
    at = advance(1_000);
    measure(clock, at, -1_300); // below half, not yet below a quarter: still halted
    expect(governor.allow(order).allowed).toBe(false);
    at = advance(1_000);
    measure(clock, at, -1_200);
    expect(governor.allow(order).allowed).toBe(true);
    expect(clock.view()).toEqual({ offsetMillis: -1_200, uncertaintyMillis: 10, distanceMillis: 1_210, measuredAt: at + 20, recvWindowMillis: 5_000 });
  });

  it('a lower bound from stream stamps alone counts as its offset: a halt once it proves half the recvWindow', () => {
    const { clock, governor, advance } = setup();
    const at = advance(0);
    clock.event(at + 2_400, at); // at least 2.4 s ahead: not yet half
    expect(governor.allow(order).allowed).toBe(true);
    expect(clock.view()).toMatchObject({ offsetMillis: 2_400, uncertaintyMillis: null, distanceMillis: 2_400 });
    clock.event(at + 1_000 + 2_600, at + 1_000); // at least 2.6 s ahead, whatever the stream's delay
    expect(governor.allow(order).allowed).toBe(false);
    expect(clock.finding()?.status).toBe('unhealthy');
  });

  it('a stream at least 3 s behind proves no distance between the clocks: it may just be slow', () => {
    const { clock, governor, advance } = setup();
    const at = advance(0);
    clock.event(at - 3_000, at); // stamped 3 s before we got it: a slow stream, or a clock behind
    expect(clock.view()).toMatchObject({ offsetMillis: -3_000, uncertaintyMillis: null, distanceMillis: 0 });
    expect(clock.finding()).toBeUndefined();
    expect(governor.allow(order).allowed).toBe(true);
  });
});

describe('the clock offset of real ccxt to the simulator (/control/clock-offset)', () => {
  it('from fetchTime and every Date header, and from the book stream: health, the governor and the gauges follow it', async () => {
    const env = await InstrumentedBinance.start();
    const dir = await mkdtemp(join(tmpdir(), 'clock-offset-'));
    try {
      const alerting = await startAlerting(env.handle, { rules: [], incidents: { path: join(dir, 'incidents.jsonl') }, evaluateEveryMillis: 60_000 });
      const exchange = env.client({ options: { recvWindow: 5_000 } });
      const check = async (): Promise<{ status: string; reason: string | null } | undefined> => {
        const found = (await env.handle.health.run()).checks.find((c) => c.name === 'exchange:binance');
        return found === undefined ? undefined : { status: found.status, reason: found.reason ?? null };
      };
      const offset = async (): Promise<number | undefined> => env.sample('trading_exchange_clock_offset', { trading_exchange: 'binance' });
      const order = { exchange: 'binance', symbol: 'BTC/USDT' };

      await exchange.loadMarkets(); // signed (currencies): before the clock is moved
      await exchange.fetchTime();
      expect(Math.abs((await offset()) ?? 1)).toBeLessThan(0.25);
      const uncertainty = (await env.sample('trading_exchange_clock_uncertainty', { trading_exchange: 'binance' })) ?? 1;
      expect(uncertainty).toBeGreaterThan(0);
      expect(uncertainty).toBeLessThan(0.25);

      await env.simulator.control('clock-offset', { millis: 1_500 });
      await exchange.fetchTime();
      expect((await offset()) ?? 0).toBeCloseTo(1.5, 1);
      expect(await check()).toEqual({ status: 'degraded', reason: expect.stringMatching(/^binance: its clock is 1[45]\d\d ms ahead of ours \(recvWindow 5000 ms\)$/) as unknown });
      expect(alerting.governor.allow(order).allowed).toBe(true);

      await env.simulator.control('clock-offset', { millis: -3_000 });
      // No serverTime in the body: its Date header, to the second (so -3.5 to -2.5 s), is enough.
      await exchange.fetchOrderBook('BTC/USDT', 5);
      expect((await offset()) ?? 0).toBeLessThan(-2);
      expect((await check())?.status).toBe('unhealthy');
      expect(alerting.governor.allow(order)).toMatchObject({ allowed: false, state: 'halted' });
      await exchange.fetchTime();
      expect((await offset()) ?? 0).toBeCloseTo(-3, 1);

      await env.simulator.control('clock-offset', { millis: 0 });
      await exchange.fetchTime();
      expect(await check()).toEqual({ status: 'healthy', reason: null });
      expect(alerting.governor.allow(order).allowed).toBe(true);

      // The book's event stamps: 2 s ahead is proven by the updates themselves, with no REST call.
      await exchange.watchOrderBook('BTC/USDT');
      await env.simulator.control('clock-offset', { millis: 2_000 });
      const deadline = Date.now() + 5_000;
      while (((await offset()) ?? 0) < 1.8 && Date.now() < deadline) await exchange.watchOrderBook('BTC/USDT');
      expect((await offset()) ?? 0).toBeGreaterThan(1.8);
      expect((await offset()) ?? 0).toBeLessThanOrEqual(2.01);
      expect((await check())?.status).toBe('degraded');
      // A lower bound: no error bound is claimed for it (the gauge is NaN until a round trip).
      expect(await env.sample('trading_exchange_clock_uncertainty', { trading_exchange: 'binance' })).toBeNaN();
      await exchange.fetchTime();
      expect((await env.sample('trading_exchange_clock_uncertainty', { trading_exchange: 'binance' })) ?? NaN).toBeLessThan(0.25);
    } finally {
      await env.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
