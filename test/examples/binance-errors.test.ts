import ccxt from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BinanceSimulator, type ProBinance, rejection } from '../support/binance-simulator.js';

/** Binance's error bodies and statuses from the simulator, and the error classes the real ccxt raises for them. */
describe('simulated exchange: Binance errors as ccxt raises them', () => {
  let simulator: BinanceSimulator;
  let exchange: ProBinance;
  beforeAll(async () => {
    simulator = await BinanceSimulator.start();
    exchange = simulator.client();
    await exchange.loadMarkets();
  });
  afterEach(async () => simulator.control('reset'));
  afterAll(async () => simulator.close());

  const mid = async (): Promise<number> => {
    const book = await exchange.fetchOrderBook('BTC/USDT', 1);
    return ((book.bids[0]?.[0] ?? 0) + (book.asks[0]?.[0] ?? 0)) / 2;
  };

  it('-2010 insufficient balance → InsufficientFunds', async () => {
    const error = await rejection(exchange.createOrder('BTC/USDT', 'limit', 'buy', 25, Number(exchange.priceToPrecision('BTC/USDT', await mid()))));
    expect(error).toBeInstanceOf(ccxt.InsufficientFunds);
    // Matched by message before code: ccxt's text is "binance <msg>".
    expect(error.message).toBe('binance Account has insufficient balance for requested action.');
  });

  it('-1013 PERCENT_PRICE_BY_SIDE and LOT_SIZE → InvalidOrder; NOTIONAL → BadRequest', async () => {
    const far = Number(exchange.priceToPrecision('BTC/USDT', (await mid()) * 1.2));
    expect(await rejection(exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, far))).toBeInstanceOf(ccxt.InvalidOrder);
    const price = exchange.priceToPrecision('BTC/USDT', await mid());
    const lot = await rejection(exchange.privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.000015', price }));
    expect(lot).toBeInstanceOf(ccxt.InvalidOrder);
    expect(lot.message).toContain('Filter failure: LOT_SIZE');
    // ccxt maps -1013 itself to BadRequest; only the LOT_SIZE/PRICE_FILTER texts and PERCENT_PRICE_BY_SIDE make it InvalidOrder.
    const notional = await rejection(exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.00001, Number(price)));
    expect(notional).toBeInstanceOf(ccxt.BadRequest);
    expect(notional.message).toContain('Filter failure: NOTIONAL');
  });

  it('a post-only order that would cross → OrderImmediatelyFillable', async () => {
    const ask = (await exchange.fetchOrderBook('BTC/USDT', 1)).asks[0]?.[0] ?? 0;
    const error = await rejection(exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, Number(exchange.priceToPrecision('BTC/USDT', ask * 1.01)), { postOnly: true }));
    expect(error).toBeInstanceOf(ccxt.OrderImmediatelyFillable);
  });

  it('-2013 and -2011 for an unknown order → OrderNotFound', async () => {
    expect(await rejection(exchange.fetchOrder('987654321', 'BTC/USDT'))).toBeInstanceOf(ccxt.OrderNotFound);
    const cancel = await rejection(exchange.cancelOrder('987654321', 'BTC/USDT'));
    expect(cancel).toBeInstanceOf(ccxt.OrderNotFound);
    expect(cancel.message).toContain('Unknown order sent.');
  });

  it('-1121 an unlisted symbol → BadSymbol', async () => {
    expect(await rejection(exchange.publicGetDepth({ symbol: 'DOGEUSDT' }))).toBeInstanceOf(ccxt.BadSymbol);
  });

  it('-2015 an unknown API key, -2014 a malformed one and -1022 a bad signature → AuthenticationError', async () => {
    const unknownKey = simulator.client({ apiKey: 'no-such-key' });
    expect(await rejection(unknownKey.fetchBalance())).toBeInstanceOf(ccxt.AuthenticationError);
    const malformed = await rejection(simulator.client({ apiKey: 'not a key!' }).fetchBalance());
    expect(malformed).toBeInstanceOf(ccxt.AuthenticationError);
    expect(malformed.message).toContain('-2014');
    const wrongSecret = simulator.client({ secret: 'not-the-secret' });
    const error = await rejection(wrongSecret.fetchBalance());
    expect(error).toBeInstanceOf(ccxt.AuthenticationError);
    expect(error.message).toContain('Signature for this request is not valid.');
  });

  it('-2015 after one successful private call → DDoSProtection (ccxt reads it as a temporary ban)', async () => {
    const client = simulator.client();
    await client.fetchBalance();
    client.apiKey = 'revoked-key';
    expect(await rejection(client.fetchBalance())).toBeInstanceOf(ccxt.DDoSProtection);
  });

  it('-1021 a clock outside recvWindow → InvalidNonce, in both directions', async () => {
    await simulator.control('clock-offset', { millis: 20_000 });
    const behind = await rejection(exchange.fetchBalance());
    expect(behind).toBeInstanceOf(ccxt.InvalidNonce);
    expect(behind.message).toContain('outside of the recvWindow');
    await simulator.control('clock-offset', { millis: -3_000 });
    const ahead = await rejection(exchange.fetchBalance());
    expect(ahead).toBeInstanceOf(ccxt.InvalidNonce);
    expect(ahead.message).toContain("ahead of the server's time");
  });

  it('an outage (503 with no JSON body) → ExchangeNotAvailable', async () => {
    await simulator.control('outage', { millis: 2_000 });
    expect(await rejection(exchange.fetchTime())).toBeInstanceOf(ccxt.ExchangeNotAvailable);
  });

  it('latency beyond ccxt.timeout → RequestTimeout', async () => {
    const impatient = simulator.client({ timeout: 200 });
    await simulator.control('latency', { millis: 600 });
    expect(await rejection(impatient.fetchTime())).toBeInstanceOf(ccxt.RequestTimeout);
  });

  it.each([
    ['rate_limited', ccxt.DDoSProtection],
    ['insufficient_balance', ccxt.InsufficientFunds],
    ['price_out_of_band', ccxt.InvalidOrder],
    ['unknown_symbol', ccxt.BadSymbol],
    ['invalid_order', ccxt.InvalidOrder],
  ] as const)('a rejection burst with reason %s raises its Binance error', async (reason, errorClass) => {
    await simulator.control('reject-burst', { count: 1, reason });
    const price = Number(exchange.priceToPrecision('BTC/USDT', (await mid()) * 0.97));
    expect(await rejection(exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, price))).toBeInstanceOf(errorClass);
    // A 429 is DDoSProtection in ccxt's binance whatever the code (-1015 here), with Retry-After.
    if (reason === 'rate_limited') expect(exchange.last_response_headers?.['Retry-After']).toBe('1');
    const next = await exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, price);
    expect(next.status).toBe('open');
    await exchange.cancelOrder(next.id ?? '', 'BTC/USDT');
  });
});
