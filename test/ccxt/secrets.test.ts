import { randomBytes } from 'node:crypto';
import { createLogger } from 'trading-telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProBinance } from '../support/binance-simulator.js';
import { InstrumentedBinance } from '../support/instrumented-binance.js';

const SYMBOL = 'BTC/USDT';
const API_KEY = `ttkey${randomBytes(12).toString('hex')}`;
const SECRET = `ttsecret${randomBytes(16).toString('hex')}`;
const PASSWORD = `ttpassword${randomBytes(8).toString('hex')}`;

/** Text that must appear nowhere: the credentials, and any HMAC-SHA256 signature (64 hex digits) or `signature=` value. */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (const secret of [API_KEY, SECRET, PASSWORD]) if (text.includes(secret)) found.push(secret);
  for (const match of text.matchAll(/signature=(?!\[Redacted\])[^\s"&,;]+|\b[0-9a-f]{64}\b/gi)) found.push(match[0]);
  return found;
}

/**
 * The proof that API keys, secrets, signatures and passwords never leave through telemetry:
 * every exported span, every log line, the /metrics text and every API response, after a
 * session that makes ccxt put signed URLs into its error messages (timeouts, 503s, bad
 * signatures, rejected orders).
 */
describe('instrumentExchange: no key, secret or signature in any span, log line, metric or API response', () => {
  let env: InstrumentedBinance;
  let exchange: ProBinance;
  const caught: Error[] = [];

  beforeAll(async () => {
    env = await InstrumentedBinance.start({ simulator: { binance: { credentials: [{ apiKey: API_KEY, secret: SECRET }] } } });
    exchange = env.client({ apiKey: API_KEY, secret: SECRET, timeout: 400 });
    exchange.password = PASSWORD;
    const log = createLogger({ destination: { write: (line: string) => env.logLines.push(line.trimEnd()) }, env: {} });
    const attempt = async (what: string, call: () => Promise<unknown>): Promise<void> => {
      try {
        await call();
      } catch (error) {
        caught.push(error as Error);
        // What a bot does with a failed call: log it, message and all.
        log.warn({ error: (error as Error).message, errorClass: (error as Error).name }, `${what} failed: ${(error as Error).message}`);
      }
    };

    await exchange.loadMarkets();
    const orders = exchange.watchOrders(SYMBOL).catch(() => undefined);
    const book = await exchange.fetchOrderBook(SYMBOL, 5);
    const bid = book.bids[0]?.[0] ?? 0;
    await exchange.createOrder(SYMBOL, 'market', 'buy', 0.01);
    const resting = await exchange.createOrder(SYMBOL, 'limit', 'buy', 0.01, Number(exchange.priceToPrecision(SYMBOL, bid * 0.97)));
    await attempt('rejected order', () => exchange.createOrder(SYMBOL, 'limit', 'buy', 25, Number(exchange.priceToPrecision(SYMBOL, bid))));
    await env.simulator.control('latency', { millis: 1_000 });
    await attempt('order past the timeout', () => exchange.createOrder(SYMBOL, 'limit', 'buy', 0.01, Number(exchange.priceToPrecision(SYMBOL, bid * 0.97))));
    await attempt('cancel past the timeout', () => exchange.cancelOrder(resting.id ?? '', SYMBOL));
    await env.simulator.control('reset');
    await env.simulator.control('outage', { millis: 1_000 });
    await attempt('balance during an outage', () => exchange.fetchBalance());
    await attempt('open orders during an outage', () => exchange.fetchOpenOrders(SYMBOL));
    await env.simulator.control('reset');
    await attempt('wrong secret', () => env.client({ apiKey: API_KEY, secret: `${SECRET}x` }).fetchBalance());
    await exchange.cancelAllOrders(SYMBOL);
    await orders;
  });
  afterAll(async () => env.close());

  it('the session made ccxt carry the signature and the key in its error messages (the test is not vacuous)', async () => {
    const signed = caught.filter((error) => /signature=[0-9a-f]{64}/.test(error.message));
    expect(signed.map((error) => error.name).sort()).toEqual(expect.arrayContaining(['ExchangeNotAvailable', 'RequestTimeout']));
    const spans = await env.spans();
    const redacted = spans.filter((span) => span.status.message?.includes('signature=[Redacted]'));
    expect(redacted.map((span) => span.name)).toEqual(expect.arrayContaining(['ccxt.fetchBalance', 'ccxt.cancelOrder']));
  });

  it('no exported span holds them', async () => {
    const spans = await env.spans();
    expect(spans.length).toBeGreaterThan(20);
    expect(leaks(JSON.stringify(spans, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)))).toEqual([]);
  });

  it('no log line holds them', () => {
    expect(env.logLines.length).toBeGreaterThan(0);
    expect(leaks(env.logLines.join('\n'))).toEqual([]);
  });

  it('no metric holds them', async () => {
    const text = await env.metricsText();
    expect(text).toContain('trading_exchange_errors_total');
    expect(leaks(text)).toEqual([]);
  });

  it('no API response holds them: orders (with their reject messages), snapshot, health, config, history', async () => {
    const base = env.handle.url ?? '';
    const orders = (await (await fetch(`${base}/api/orders?limit=100`)).json()) as { orders: { correlationId: string; error: string | null }[] };
    const recent = orders.orders;
    // The order past the timeout carries ccxt's message, its signed URL redacted.
    expect(recent.map((order) => order.error)).toContainEqual(expect.stringMatching(/request timed out/));
    const bodies = [JSON.stringify(orders)];
    for (const order of recent) bodies.push(await (await fetch(`${base}/api/orders/${encodeURIComponent(order.correlationId)}`)).text());
    for (const path of ['/api/snapshot', '/health', '/health/ready', '/api/config', '/api/history']) bodies.push(await (await fetch(`${base}${path}`)).text());
    expect(leaks(bodies.join('\n'))).toEqual([]);
  });
});
