import ccxt from 'ccxt';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alerting, startAlerting } from 'trading-telemetry/alerting';
import { instrumentExchange } from 'trading-telemetry/ccxt';
import { DEFAULT_API_CREDENTIALS } from '../../examples/simulated-exchange/binance/binance-venue.js';
import { binanceSimulatorOptions } from '../../examples/simulated-exchange/ccxt-urls.js';
import { rejection } from '../support/binance-simulator.js';
import { InstrumentedBinance } from '../support/instrumented-binance.js';

const EXCHANGE = { trading_exchange: 'binance' };
const ORDER = { exchange: 'binance', symbol: 'BTC/USDT' };

/**
 * Real ccxt against the simulator's weight budget: the governor throttles before the exchange
 * refuses, throttles during a 429's Retry-After, and halts for a 418 ban until it ends.
 */
describe('rate-limit headroom, with real ccxt and the simulated weight budget', () => {
  let env: InstrumentedBinance;
  let alerting: Alerting;
  let dir: string;

  const exchangeCheck = async (): Promise<{ status: string; reason: string | null }> => {
    const check = (await env.handle.health.run()).checks.find((c) => c.name === 'exchange:binance');
    return { status: check?.status ?? 'missing', reason: check?.reason ?? null };
  };

  beforeAll(async () => {
    env = await InstrumentedBinance.start();
    dir = await mkdtemp(join(tmpdir(), 'rate-limit-headroom-'));
    alerting = await startAlerting(env.handle, { rules: [], incidents: { path: join(dir, 'incidents.jsonl') }, evaluateEveryMillis: 60_000 });
  });
  afterAll(async () => {
    await env.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('usage from the headers reaches 90 %: throttled before any 429; then a 429 throttles and a 418 halts until the ban ends', async () => {
    await env.simulator.control('weight-budget', { limit: 100, banAfter: 1, banSeconds: 2 });
    const exchange = env.client({ enableRateLimit: false });
    await exchange.loadMarkets(); // exchangeInfo publishes the budget: request_weight_1m of size 100
    expect(await env.sample('trading_exchange_rate_limit_limit', { ...EXCHANGE, trading_rate_limit: 'request_weight_1m' })).toBe(100);
    expect(alerting.governor.allow(ORDER).state).toBe('normal');

    // depth of 100 levels weighs 5: 20 used by exchangeInfo, 14 × 5 more is 90.
    for (let used = 20; used < 90; used += 5) await exchange.fetchOrderBook('BTC/USDT', 100);
    expect(await env.sample('trading_exchange_rate_limit_usage', { ...EXCHANGE, trading_rate_limit: 'request_weight_1m' })).toBeCloseTo(0.9);
    expect(alerting.governor.allow(ORDER)).toEqual({ allowed: true, state: 'throttled', reason: 'binance: rate limit request_weight_1m at 90 % or more of its size' });
    expect(alerting.governor.allow(ORDER).allowed).toBe(false);
    expect(await env.sample('trading_exchange_rate_limit_refusals_total', { ...EXCHANGE, http_response_status_code: '429' })).toBe(0);
    expect(await env.sample('trading_governor_blocks', { ...EXCHANGE, trading_block_source: 'rate_limit', trading_block_level: 'throttle' })).toBe(1);
    expect(await exchangeCheck()).toEqual({ status: 'degraded', reason: 'binance: throttled, a rate limit is nearly used up' });

    // A bot that goes on anyway: 429 (throttled until its Retry-After), then 418 (halted).
    await exchange.fetchOrderBook('BTC/USDT', 100); // 95
    await exchange.fetchOrderBook('BTC/USDT', 100); // 100: the whole budget, still answered
    expect((await rejection(exchange.fetchOrderBook('BTC/USDT', 100))).name).toBe('DDoSProtection');
    expect(alerting.governor.allow(ORDER).reason).toBe('binance: rate limited (429) until its Retry-After ends');
    expect((await rejection(exchange.fetchOrderBook('BTC/USDT', 100))).name).toBe('DDoSProtection');
    expect(await env.sample('trading_exchange_rate_limit_refusals_total', { ...EXCHANGE, http_response_status_code: '418' })).toBe(1);
    expect(alerting.governor.allow(ORDER)).toEqual({ allowed: false, state: 'halted', reason: 'binance: IP banned (418) until its Retry-After ends' });
    expect(alerting.governor.allow({ ...ORDER, reducesRisk: true }).allowed).toBe(true);
    expect(alerting.governor.allow({ exchange: 'okx', symbol: 'BTC/USDT' }).state).toBe('normal');
    expect(await env.sample('trading_governor_blocks', { ...EXCHANGE, trading_block_source: 'ban', trading_block_level: 'halt' })).toBe(1);
    expect((await exchangeCheck()).status).toBe('unhealthy');
    // The alerting API shows the blocks beside the governor's state (normal: no alert drives it).
    const api = (await (await fetch(`${env.handle.url ?? ''}/api/alerts`)).json()) as { governor: { state: string; blocks: { exchange: string; source: string; level: string }[] } };
    expect(api.governor.state).toBe('normal');
    expect(api.governor.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ exchange: 'binance', source: 'ban', level: 'halt' })]));

    await new Promise((resolve) => setTimeout(resolve, 2_100)); // the ban's 2 s
    expect(alerting.governor.allow(ORDER).state).not.toBe('halted');
    expect(await env.sample('trading_governor_blocks', { ...EXCHANGE, trading_block_source: 'ban', trading_block_level: 'halt' })).toBe(0);
    const incidents = alerting.incidents.query().map((i) => i.message);
    expect(incidents).toContain('governor throttles binance: rate limit request_weight_1m at 90 % or more of its size');
    expect(incidents).toContain('governor halts binance: IP banned (418) until its Retry-After ends');
    await env.simulator.control('reset');
  });

  it("ccxt's own throttler: the cost it is asked to admit against its rate is a usage, shown but never a reason to throttle", async () => {
    await env.simulator.control('reset');
    // A bucket of 1 cost per 500 ms (20 in 10 s; fetchTime costs 0.2) that starts with room, so requests go at once.
    const exchange = env.client({ rateLimit: 500, tokenBucket: { tokens: 100 } });
    await exchange.loadMarkets(); // fresh limit sizes from exchangeInfo: the header usage is small again
    const usage = (): Promise<number | undefined> => env.sample('trading_exchange_rate_limit_usage', { ...EXCHANGE, trading_rate_limit: 'ccxt_throttler' });
    const before = (await usage()) ?? 0;
    expect(before).toBeLessThan(0.5);
    await Promise.all(Array.from({ length: 80 }, () => exchange.fetchTime()));
    const after = (await usage()) ?? 0;
    expect(after - before).toBeCloseTo(0.8); // 80 × 0.2 of 20
    expect(after).toBeGreaterThan(0.9);
    expect(await env.sample('trading_exchange_rate_limit_usage', { ...EXCHANGE, trading_rate_limit: 'request_weight_1m' })).toBeLessThan(0.1);
    // A bot at ccxt's own pace is where ccxt wants it; the exchange's headers say how close it is to refusing.
    expect(alerting.governor.allow(ORDER)).toMatchObject({ allowed: true });
  });

  it('a 418 that names no Retry-After still halts, for 120 s: the ban is not taken to be over at once', async () => {
    // A venue answering every request with a bare 418 (no Retry-After header), on 127.0.0.1.
    const bare = createServer((_req, res) => res.writeHead(418, { 'content-type': 'application/json' }).end('{"code":-1003,"msg":"Way too many requests; IP banned."}'));
    await new Promise<void>((ready) => bare.listen(0, '127.0.0.1', ready));
    try {
      const { port } = bare.address() as AddressInfo;
      const exchange = instrumentExchange(new ccxt.binance({ ...DEFAULT_API_CREDENTIALS, ...binanceSimulatorOptions(`http://127.0.0.1:${port}`), enableRateLimit: false }), env.handle);
      expect((await rejection(exchange.fetchTime())).name).toBe('DDoSProtection');
      expect(alerting.governor.allow(ORDER)).toEqual({ allowed: false, state: 'halted', reason: 'binance: IP banned (418) until its Retry-After ends' });
      const view = ((await (await fetch(`${env.handle.url ?? ''}/api/exchanges`)).json()) as { exchanges: { exchange: string; refusal: { status: number; until: number } | null }[] }).exchanges.find((e) => e.exchange === 'binance');
      expect(view?.refusal?.status).toBe(418);
      expect(((view?.refusal?.until ?? 0) - Date.now()) / 1000).toBeGreaterThan(115);
    } finally {
      await new Promise((closed) => bare.close(closed));
    }
  });

  it('one share per exchange on a telemetry: a second instance asking for another is a TelemetryConfigError', () => {
    expect(() => env.client({}, { rateLimitShare: 0.7 })).toThrow(/^rateLimitShare: binance is already instrumented on this telemetry with 0\.9: give every binance instance the same share/);
    expect(() => env.client({}, { rateLimitShare: 0.9 })).not.toThrow();
    expect(() => env.client()).not.toThrow();
  });
});
