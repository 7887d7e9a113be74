import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProBinance } from '../support/binance-simulator.js';
import { InstrumentedBinance } from '../support/instrumented-binance.js';

const EXCHANGE = { trading_exchange: 'binance' };

/** Polls `check` (async) every 50 ms until it returns true, for at most `timeoutMillis`. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMillis = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A stalled order book stream (the simulator's silent symbol: the socket and the other symbols go on) turns the exchange's health degraded. */
describe('instrumentExchange: WebSocket subscriptions feed market data and health', () => {
  let env: InstrumentedBinance;
  let exchange: ProBinance;
  let watching = true;
  const loops: Promise<void>[] = [];

  const exchangeCheck = async (): Promise<{ status: string; reason: string | null }> => {
    const check = (await env.handle.health.run()).checks.find((c) => c.name === 'exchange:binance');
    return { status: check?.status ?? 'missing', reason: check?.reason ?? null };
  };

  beforeAll(async () => {
    env = await InstrumentedBinance.start({ simulator: { tickIntervalMillis: 50 } });
    exchange = env.client({}, { health: { degradedAfterSeconds: 1, unhealthyAfterSeconds: 4 }, traceWatchCalls: false });
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      loops.push(
        (async () => {
          while (watching) await exchange.watchOrderBook(symbol).catch(() => new Promise((resolve) => setTimeout(resolve, 50)));
        })(),
      );
    }
  });
  afterAll(async () => {
    watching = false;
    await env.close();
    await Promise.all(loops);
  });

  it('counts updates per subscription and per symbol, and the exchange is healthy while both flow', async () => {
    await eventually(async () => ((await env.sample('trading_exchange_stream_messages_total', { ...EXCHANGE, trading_stream: 'order_book', trading_symbol: 'ETH/USDT' })) ?? 0) > 3, 'ETH/USDT updates');
    expect(await env.sample('trading_exchange_stream_messages_total', { ...EXCHANGE, trading_stream: 'order_book', trading_symbol: 'BTC/USDT' })).toBeGreaterThan(3);
    expect(await env.sample('trading_market_data_messages_total', { ...EXCHANGE, trading_symbol: 'BTC/USDT' })).toBeGreaterThan(3);
    expect(await env.sample('trading_exchange_connected', EXCHANGE)).toBe(1);
    expect(await env.sample('trading_exchange_stream_age', { ...EXCHANGE, trading_stream: 'order_book', trading_symbol: 'BTC/USDT' })).toBeLessThan(1);
    expect(await exchangeCheck()).toEqual({ status: 'healthy', reason: null });
  });

  it('a silent symbol turns health degraded, naming it, while the other symbol flows; it recovers when updates resume', async () => {
    await env.simulator.control('silent-symbol', { symbol: 'BTCUSDT', millis: 2_500 });
    await eventually(async () => (await exchangeCheck()).status === 'degraded', 'degraded health');
    expect((await exchangeCheck()).reason).toMatch(/^binance: BTC\/USDT order_book silent for \d+\.\d s$/);
    expect(await env.sample('trading_exchange_stream_age', { ...EXCHANGE, trading_stream: 'order_book', trading_symbol: 'BTC/USDT' })).toBeGreaterThan(1);
    expect(await env.sample('trading_exchange_stream_age', { ...EXCHANGE, trading_stream: 'order_book', trading_symbol: 'ETH/USDT' })).toBeLessThan(1);
    await eventually(async () => (await exchangeCheck()).status === 'healthy', 'health to recover');
  });

  it('a dropped connection is unhealthy until ccxt reconnects, and the reconnection is counted', async () => {
    await env.simulator.control('drop');
    await eventually(async () => (await exchangeCheck()).status === 'unhealthy', 'unhealthy health');
    expect((await exchangeCheck()).reason).toContain('binance: disconnected');
    await eventually(async () => (await exchangeCheck()).status === 'healthy', 'the reconnection');
    expect(await env.sample('trading_exchange_reconnects_total', EXCHANGE)).toBeGreaterThanOrEqual(1);
    expect(await env.sample('trading_exchange_connected', EXCHANGE)).toBe(1);
  });
});
