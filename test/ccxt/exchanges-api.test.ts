import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type TelemetryHandle } from 'trading-telemetry';
import type { ExchangeHealthView } from 'trading-telemetry/alerting';
import { instrumentExchange } from 'trading-telemetry/ccxt';
import { DEFAULT_API_CREDENTIALS } from '../../examples/simulated-exchange/binance/binance-venue.js';
import { BinanceSimulator, type ProBinance, rejection } from '../support/binance-simulator.js';

const TOKEN = 'exchanges-api-token-0123456789';

/** GET /api/exchanges: each instrumented exchange's health, behind the token, with no secret in it. */
describe('/api/exchanges', () => {
  let handle: TelemetryHandle;
  let simulator: BinanceSimulator;
  let exchange: ProBinance;

  beforeAll(async () => {
    handle = await startTelemetry({ serviceName: 'exchanges-api', server: { port: 0, token: TOKEN, metricsCacheMillis: 0 }, runtimeMetrics: false, env: {} });
    simulator = await BinanceSimulator.start({ tickIntervalMillis: 50 });
    exchange = instrumentExchange(simulator.client({ options: { recvWindow: 6_000 } }), handle, { rateLimitShare: 0.7 });
    await exchange.loadMarkets();
    await exchange.watchOrderBook('BTC/USDT');
    await exchange.watchOrderBook('BTC/USDT');
  });
  afterAll(async () => {
    await simulator.close();
    await handle.shutdown();
  });

  const get = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<Response> => fetch(`${handle.url ?? ''}/api/exchanges`, { headers });

  it('needs the token like the other /api routes', async () => {
    expect((await get({})).status).toBe(401);
  });

  it('shows rate limits, the clock, each book and the blocks; a 429 shows as the refusal and a throttle', async () => {
    await simulator.control('weight-budget', { limit: 30 }); // already used: the next request is refused
    expect((await rejection(exchange.fetchOrderBook('BTC/USDT', 100))).name).toBe('DDoSProtection');
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the answer cache
    const response = await get();
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const secret of Object.values(DEFAULT_API_CREDENTIALS)) expect(text).not.toContain(secret);
    const { exchanges } = JSON.parse(text) as { exchanges: ExchangeHealthView[] };
    expect(exchanges.map((e) => e.exchange)).toEqual(['binance']);
    const [binance] = exchanges;
    expect(binance?.rateLimits.find((l) => l.limit === 'request_weight_1m')).toMatchObject({ size: 6_000 });
    expect(binance?.rateLimits.find((l) => l.limit === 'ccxt_throttler')).toMatchObject({ size: 1 });
    expect(binance?.rateLimitShare).toBe(0.7); // where the dashboard's meters turn red
    expect(binance?.refusal).toMatchObject({ status: 429 });
    expect(binance?.refusal?.until).toBeGreaterThan(Date.now());
    expect(binance?.clock).toMatchObject({ recvWindowMillis: 6_000 });
    expect(Math.abs(binance?.clock?.offsetMillis ?? 1e9)).toBeLessThan(1_000);
    expect(binance?.clock?.distanceMillis).toBeLessThan(1_000); // what the governor halts on at 3,000
    expect(binance?.books).toEqual([{ symbol: 'BTC/USDT', ageSeconds: expect.any(Number) as unknown, medianIntervalMillis: expect.any(Number) as unknown, gaps: 0, resyncs: 0, crossed: 0, locked: 0, silent: false }]);
    expect(binance?.blocks).toEqual([{ level: 'throttle', source: 'rate_limit', reason: 'rate limited (429) until its Retry-After ends', until: binance?.refusal?.until }]);
    expect(binance?.connected).toBe(true);
  });
});
