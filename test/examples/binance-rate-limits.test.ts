import ccxt from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BinanceSimulator, type ProBinance, rejection } from '../support/binance-simulator.js';

const usedWeight = (exchange: ProBinance): number => Number(exchange.last_response_headers?.['X-Mbx-Used-Weight-1m']);

/** Request weight, order counts, 429 then 418, and the server clock, through the real ccxt. */
describe('simulated exchange: Binance rate limits and clock', () => {
  let simulator: BinanceSimulator;
  let exchange: ProBinance;
  beforeAll(async () => {
    simulator = await BinanceSimulator.start({ binance: { orderLimits: { per10s: 3, perDay: 1_000 } } });
    exchange = simulator.client();
    await exchange.loadMarkets();
  });
  afterEach(async () => simulator.control('reset'));
  afterAll(async () => simulator.close());

  it('every answer carries the used weight, counting Binance endpoint weights', async () => {
    await simulator.control('reset');
    const steps: [string, () => Promise<unknown>, number][] = [
      ['time', () => exchange.fetchTime(), 1],
      ['depth limit 5', () => exchange.fetchOrderBook('BTC/USDT', 5), 5],
      ['depth limit 500', () => exchange.fetchOrderBook('BTC/USDT', 500), 25],
      ['24hr ticker', () => exchange.fetchTicker('BTC/USDT'), 2],
      ['account', () => exchange.fetchBalance(), 20],
      ['openOrders of a symbol', () => exchange.fetchOpenOrders('BTC/USDT'), 6],
    ];
    let before = 0;
    for (const [name, call, weight] of steps) {
      await call();
      const used = usedWeight(exchange);
      // A new minute window may start between two calls.
      expect(used === before + weight || used === weight, `${name}: ${before} → ${used}`).toBe(true);
      expect(exchange.last_response_headers?.['X-Mbx-Used-Weight']).toBe(String(used));
      before = used;
    }
  });

  it('order responses count new orders per 10 s and per day; past the limit, 429 with Retry-After', async () => {
    const price = Number(exchange.priceToPrecision('BTC/USDT', ((await exchange.fetchOrderBook('BTC/USDT', 1)).bids[0]?.[0] ?? 0) * 0.97));
    let refused: Error | undefined;
    for (let i = 0; i < 8 && refused === undefined; i++) {
      try {
        await exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price);
        const count = Number(exchange.last_response_headers?.['X-Mbx-Order-Count-10s']);
        expect(count).toBeGreaterThanOrEqual(1);
        expect(count).toBeLessThanOrEqual(3);
        expect(Number(exchange.last_response_headers?.['X-Mbx-Order-Count-1d'])).toBe(i + 1);
      } catch (error) {
        refused = error as Error;
      }
    }
    expect(refused).toBeInstanceOf(ccxt.DDoSProtection);
    expect(refused?.message).toContain('-1015');
    expect(Number(exchange.last_response_headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
    await exchange.cancelAllOrders('BTC/USDT');
  });

  it('orders that trade give their count back: market orders never run out of the 10 s limit', async () => {
    for (let i = 0; i < 6; i++) {
      await exchange.createOrder('BTC/USDT', 'market', i % 2 === 0 ? 'buy' : 'sell', 0.001);
      expect(Number(exchange.last_response_headers?.['X-Mbx-Order-Count-10s'])).toBe(0);
    }
  });

  it('past the weight budget: 429 with Retry-After, then after repeated refusals a 418 ban that lasts its Retry-After', async () => {
    // Weight windows are whole minutes: start with time to spare before the next one.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 8_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
    await simulator.control('weight-budget', { limit: 10, banAfter: 2, banSeconds: 1 });
    for (let i = 0; i < 10; i++) await exchange.fetchTime();
    expect(usedWeight(exchange)).toBe(10);
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) {
      const error = await rejection(exchange.fetchTime());
      expect(error).toBeInstanceOf(ccxt.DDoSProtection);
      statuses.push(/ (418|429) /.exec(error.message)?.[1] ?? error.message);
      expect(Number(exchange.last_response_headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
    }
    expect(statuses).toEqual(['429', '429', '418', '418']);
    const banned = exchange.last_response_headers?.['Retry-After'];
    expect(banned).toBe('1');
    // The ban ends after Retry-After; the minute is still over budget, so 429s again, then a ban twice as long.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after: string[] = [];
    for (let i = 0; i < 3; i++) after.push(/ (418|429) /.exec((await rejection(exchange.fetchTime())).message)?.[1] ?? '');
    expect(after).toEqual(['429', '429', '418']);
    expect(exchange.last_response_headers?.['Retry-After']).toBe('2');
  });

  it('the WebSocket API shares the weight: a refused user-data subscription → RateLimitExceeded (and an orphaned ccxt future)', async () => {
    const client = simulator.client();
    await client.loadMarkets();
    await simulator.control('weight-budget', { limit: 1, banAfter: 100, banSeconds: 1 });
    const watching = rejection(client.watchOrders('BTC/USDT'));
    await new Promise((resolve) => setImmediate(resolve));
    // ccxt 4.5 parks concurrent subscribers on this future and rejects it when the subscription fails,
    // with no handler of its own: in a plain Node process that rejection is unhandled and ends the process.
    const flight: unknown = client.clients[`${simulator.exchange.url}/ws-api/v3`]?.futures['authenticate:signature:spot'];
    expect(flight).toBeInstanceOf(Promise);
    const orphan = rejection(flight as Promise<unknown>);
    const error = await watching;
    expect(error).toBeInstanceOf(ccxt.RateLimitExceeded);
    expect(error.message).toContain('Too much request weight used');
    expect(await orphan).toBe(error);
  });

  it('a clock offset skews server time; ccxt recovers with loadTimeDifference', async () => {
    await simulator.control('clock-offset', { millis: 30_000 });
    const serverTime = (await exchange.fetchTime()) ?? 0;
    expect(serverTime - Date.now()).toBeGreaterThan(29_000);
    expect(serverTime - Date.now()).toBeLessThan(31_000);
    const client = simulator.client();
    expect(await rejection(client.fetchBalance())).toBeInstanceOf(ccxt.InvalidNonce);
    await client.loadTimeDifference();
    // The failed loadMarkets stays cached (exchange.marketsLoading): without reload every call repeats its error.
    expect(await rejection(client.fetchBalance())).toBeInstanceOf(ccxt.InvalidNonce);
    await client.loadMarkets(true);
    expect((await client.fetchBalance())['USDT']?.free).toBeGreaterThan(0);
  });
});
