import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProBinance } from '../support/binance-simulator.js';
import { rejection } from '../support/binance-simulator.js';
import { InstrumentedBinance } from '../support/instrumented-binance.js';

const SYMBOL = 'BTC/USDT';
const EXCHANGE = { trading_exchange: 'binance' };

/** Metrics of the instrumented exchange, by error class, read from the handle's /metrics as Prometheus scrapes it. */
describe('instrumentExchange: metrics for each ccxt error class, request duration and reject reasons', () => {
  let env: InstrumentedBinance;
  let exchange: ProBinance;

  beforeAll(async () => {
    env = await InstrumentedBinance.start();
    exchange = env.client({ timeout: 400 });
    await exchange.loadMarkets();
  });
  afterEach(async () => env.simulator.control('reset'));
  afterAll(async () => env.close());

  const price = (value: number): number => Number(exchange.priceToPrecision(SYMBOL, value));
  const mid = async (): Promise<number> => {
    const book = await exchange.fetchOrderBook(SYMBOL, 5);
    return ((book.bids[0]?.[0] ?? 0) + (book.asks[0]?.[0] ?? 0)) / 2;
  };
  const errors = (method: string, errorClass: string): Promise<number | undefined> =>
    env.sample('trading_exchange_errors_total', { ...EXCHANGE, trading_exchange_method: method, trading_error_class: errorClass });
  const rejected = (reason: string): Promise<number | undefined> =>
    env.sample('trading_orders_total', { ...EXCHANGE, trading_symbol: SYMBOL, trading_side: 'buy', trading_order_type: 'limit', trading_order_status: 'rejected', trading_reject_reason: reason });

  it('each order error class is counted and ends its order rejected with the mapped reason', async () => {
    const at = price(await mid());
    const cases: [string, () => Promise<unknown>, string][] = [
      ['InsufficientFunds', () => exchange.createOrder(SYMBOL, 'limit', 'buy', 25, at), 'insufficient_balance'],
      ['InvalidOrder', () => exchange.createOrder(SYMBOL, 'limit', 'buy', 0.01, price(at * 1.2)), 'price_out_of_band'],
      ['BadRequest', () => exchange.createOrder(SYMBOL, 'limit', 'buy', 0.00001, at), 'invalid_order'],
      ['OrderImmediatelyFillable', () => exchange.createOrder(SYMBOL, 'limit', 'buy', 0.01, price(at * 1.01), { postOnly: true }), 'invalid_order'],
    ];
    for (const [errorClass, call, reason] of cases) {
      const before = (await rejected(reason)) ?? 0;
      expect((await rejection(call())).name).toBe(errorClass);
      expect(await errors('createOrder', errorClass), errorClass).toBe(1);
      expect(await rejected(reason), errorClass).toBe(before + 1);
      expect(await env.sample('trading_exchange_request_duration_count', { ...EXCHANGE, trading_exchange_method: 'createOrder', trading_outcome: errorClass })).toBe(1);
    }
  });

  it("the simulator's reject burst: BadSymbol → unknown_symbol, DDoSProtection (429 -1015) → rate_limited", async () => {
    const at = price(await mid());
    await env.simulator.control('reject-burst', { count: 1, reason: 'unknown_symbol' });
    expect((await rejection(exchange.createOrder(SYMBOL, 'limit', 'buy', 0.01, at))).name).toBe('BadSymbol');
    expect(await rejected('unknown_symbol')).toBe(1);
    await env.simulator.control('reject-burst', { count: 1, reason: 'rate_limited' });
    expect((await rejection(exchange.createOrder(SYMBOL, 'limit', 'buy', 0.01, at))).name).toBe('DDoSProtection');
    expect(await rejected('rate_limited')).toBe(1);
    expect(await errors('createOrder', 'DDoSProtection')).toBe(1);
    expect(await env.sample('trading_exchange_rate_limit_refusals_total', { ...EXCHANGE, http_response_status_code: '429' })).toBe(1);
  });

  it('RequestTimeout: an order answered past the timeout ends rejected(timeout)', async () => {
    const at = price(await mid());
    await env.simulator.control('latency', { millis: 1_000 });
    expect((await rejection(exchange.createOrder(SYMBOL, 'limit', 'buy', 0.01, at))).name).toBe('RequestTimeout');
    expect(await errors('createOrder', 'RequestTimeout')).toBe(1);
    expect(await rejected('timeout')).toBe(1);
  });

  it('errors of other calls: ExchangeNotAvailable, OrderNotFound, AuthenticationError, InvalidNonce; successes count as ok', async () => {
    await exchange.fetchBalance();
    expect(await env.sample('trading_exchange_request_duration_count', { ...EXCHANGE, trading_exchange_method: 'fetchBalance', trading_outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect((await rejection(exchange.cancelOrder('987654321', SYMBOL))).name).toBe('OrderNotFound');
    expect(await errors('cancelOrder', 'OrderNotFound')).toBe(1);

    await env.simulator.control('clock-offset', { millis: 15_000 });
    expect((await rejection(exchange.fetchBalance())).name).toBe('InvalidNonce');
    expect(await errors('fetchBalance', 'InvalidNonce')).toBe(1);
    await env.simulator.control('reset');

    await env.simulator.control('outage', { millis: 2_000 });
    expect((await rejection(exchange.fetchOpenOrders(SYMBOL))).name).toBe('ExchangeNotAvailable');
    expect(await errors('fetchOpenOrders', 'ExchangeNotAvailable')).toBe(1);
    // The exchange check says why, by class: never the message, which holds the signed URL.
    const check = (await env.handle.health.run()).checks.find((c) => c.name === 'exchange:binance');
    expect(check?.status).toBe('degraded');
    expect(check?.reason).toContain('binance: the latest request failed (ExchangeNotAvailable)');
    await env.simulator.control('reset');
    await exchange.fetchOpenOrders(SYMBOL);
    expect((await env.handle.health.run()).checks.find((c) => c.name === 'exchange:binance')?.reason ?? '').not.toContain('the latest request failed');

    const stranger = env.client({ apiKey: 'no-such-key' });
    expect((await rejection(stranger.fetchBalance())).name).toBe('AuthenticationError');
    expect(await errors('fetchBalance', 'AuthenticationError')).toBe(1);
  });
});

describe('instrumentExchange: rate limits from the response headers, 429 and 418', () => {
  let env: InstrumentedBinance;
  let exchange: ProBinance;

  beforeAll(async () => {
    env = await InstrumentedBinance.start({ simulator: { binance: { orderLimits: { per10s: 2, perDay: 1_000 } } } });
    exchange = env.client();
    await exchange.loadMarkets();
  });
  afterEach(async () => env.simulator.control('reset'));
  afterAll(async () => env.close());

  const limitSample = (name: string, limit: string): Promise<number | undefined> => env.sample(name, { ...EXCHANGE, trading_rate_limit: limit });
  const exchangeCheck = async (): Promise<{ status: string; reason: string | null } | undefined> => (await env.handle.health.run()).checks.find((c) => c.name === 'exchange:binance');

  it('the used weight and order counts are the latest headers; the weight limit comes from exchangeInfo', async () => {
    await exchange.fetchTicker(SYMBOL);
    expect(await limitSample('trading_exchange_rate_limit_used', 'request_weight_1m')).toBe(Number(exchange.last_response_headers?.['X-Mbx-Used-Weight-1m']));
    expect(await limitSample('trading_exchange_rate_limit_limit', 'request_weight_1m')).toBe(6000);
    const bid = (await exchange.fetchOrderBook(SYMBOL, 5)).bids[0]?.[0] ?? 0;
    const order = await exchange.createOrder(SYMBOL, 'limit', 'buy', 0.001, Number(exchange.priceToPrecision(SYMBOL, bid * 0.97)));
    expect(await limitSample('trading_exchange_rate_limit_used', 'orders_10s')).toBe(1);
    expect(await limitSample('trading_exchange_rate_limit_used', 'orders_1d')).toBe(1);
    await exchange.cancelOrder(order.id ?? '', SYMBOL);
  });

  it('past the weight budget: 429s are counted with their Retry-After, health degraded; then a 418 ban turns it unhealthy', async () => {
    // Weight windows are whole minutes: start with time to spare before the next one.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 8_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
    await env.simulator.control('weight-budget', { limit: 10, banAfter: 2, banSeconds: 30 });
    for (let i = 0; i < 10; i++) await exchange.fetchTime();
    expect((await rejection(exchange.fetchTime())).name).toBe('DDoSProtection');
    expect(await env.sample('trading_exchange_rate_limit_refusals_total', { ...EXCHANGE, http_response_status_code: '429' })).toBe(1);
    expect(await env.sample('trading_exchange_rate_limit_retry_after', EXCHANGE)).toBeGreaterThan(0);
    expect(await exchangeCheck()).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/^binance: rate limited \(429\) for \d+ s more$/) as unknown });

    await rejection(exchange.fetchTime());
    expect((await rejection(exchange.fetchTime())).message).toContain(' 418 ');
    expect(await env.sample('trading_exchange_rate_limit_refusals_total', { ...EXCHANGE, http_response_status_code: '418' })).toBe(1);
    expect(await env.sample('trading_exchange_rate_limit_retry_after', EXCHANGE)).toBeGreaterThan(25);
    expect(await exchangeCheck()).toMatchObject({ status: 'unhealthy', reason: expect.stringMatching(/^binance: IP banned \(418\) for \d+ s more/) as unknown });
    expect(await env.sample('trading_exchange_errors_total', { ...EXCHANGE, trading_exchange_method: 'fetchTime', trading_error_class: 'DDoSProtection' })).toBe(3);
  });

  it("ccxt's throttler wait is measured per request", async () => {
    const before = (await env.sample('trading_exchange_throttle_wait_count', EXCHANGE)) ?? 0;
    await Promise.all([exchange.fetchTime(), exchange.fetchTime(), exchange.fetchTime()]);
    expect(await env.sample('trading_exchange_throttle_wait_count', EXCHANGE)).toBe(before + 3);
    // Three requests at once: the last waits about two of ccxt's 50 ms intervals.
    expect(await env.sample('trading_exchange_throttle_wait_sum', EXCHANGE)).toBeGreaterThan(0.05);
  });
});
