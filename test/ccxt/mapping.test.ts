import ccxt from 'ccxt';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { createTradingTelemetry } from 'trading-telemetry';
import { describe, expect, it } from 'vitest';
import { credentialScrubber } from '../../src/ccxt/credential-scrubber.js';
import { errorClassOf, REJECT_REASON_OF, rejectReasonOf } from '../../src/ccxt/error-classes.js';
import { OrderLedger } from '../../src/ccxt/order-ledger.js';
import { orderTypeOf } from '../../src/ccxt/order-placement.js';
import { headerEntries, rateLimitReader } from '../../src/ccxt/rate-limit-headers.js';
import { planOf, symbolsOf } from '../../src/ccxt/unified-methods.js';

/** The pure parts of the ccxt instrumentation, against ccxt's own classes and values where they exist. */
describe('ccxt error classes', () => {
  it('are told apart by name, so the ESM and the CommonJS build of ccxt (different classes) read the same', () => {
    const cjs = createRequire(import.meta.url)('ccxt') as typeof ccxt;
    expect(cjs.InsufficientFunds).not.toBe(ccxt.InsufficientFunds);
    for (const build of [ccxt, cjs]) {
      expect(errorClassOf(new build.InsufficientFunds('x'))).toBe('InsufficientFunds');
      expect(errorClassOf(new build.ChecksumError('x'))).toBe('ChecksumError');
      expect(rejectReasonOf(new build.DDoSProtection('binance 429'))).toBe('rate_limited');
    }
  });

  it("cover every error class ccxt exports; anything else is other", () => {
    const classes = Object.entries(ccxt).filter(([, value]) => typeof value === 'function' && (value === ccxt.BaseError || (value as { prototype?: unknown }).prototype instanceof ccxt.BaseError));
    expect(classes.length).toBeGreaterThan(30);
    for (const [name, ErrorClass] of classes) expect(errorClassOf(new (ErrorClass as new (message: string) => Error)('x')), name).toBe(name);
    expect(errorClassOf(new TypeError('bug'))).toBe('other');
    expect(errorClassOf('a string')).toBe('other');
  });

  it('map onto reject reasons as docs/ccxt.md tables them', async () => {
    // Each row of the docs' table: the error classes in backticks, then the reason they map to.
    const doc = await readFile(resolve(import.meta.dirname, '../../docs/ccxt.md'), 'utf8');
    const documented: Record<string, string> = {};
    for (const [, classes = '', reason = ''] of doc.matchAll(/^\| ([^|]*`[A-Z]\w+`[^|]*) \| `([a-z_]+)`/gm)) {
      if (reason === 'other') continue; // "any other": what the table leaves out
      for (const [, name = ''] of classes.split('(')[0]?.matchAll(/`(\w+)`/g) ?? []) documented[name] = reason;
    }
    expect(REJECT_REASON_OF).toEqual(documented);
    expect(rejectReasonOf(new ccxt.InvalidOrder('binance {"code":-1013,"msg":"Filter failure: PERCENT_PRICE_BY_SIDE"}'))).toBe('price_out_of_band');
    expect(rejectReasonOf(new ccxt.InvalidOrder('binance {"code":-1013,"msg":"Filter failure: LOT_SIZE"}'))).toBe('invalid_order');
    for (const other of [ccxt.ExchangeNotAvailable, ccxt.AuthenticationError, ccxt.InvalidNonce, ccxt.NetworkError]) expect(rejectReasonOf(new other('x'))).toBe('other');
  });
});

describe('credential scrubbing', () => {
  it('removes signatures and the exchange credentials from text, plain or URL-encoded, read when scrubbing', () => {
    const exchange: Record<string, unknown> = { apiKey: 'key-123456', secret: 's3cr3t/+=value' };
    const scrub = credentialScrubber(exchange);
    exchange.password = 'late-password';
    const text = `binance GET http://x/api?timestamp=1&signature=${'ab'.repeat(32)} key-123456 ${encodeURIComponent('s3cr3t/+=value')} late-password`;
    expect(scrub(text)).toBe('binance GET http://x/api?timestamp=1&signature=[Redacted] [Redacted] [Redacted] [Redacted]');
    expect(scrub('binance Account has insufficient balance for requested action.')).toBe('binance Account has insufficient balance for requested action.');
  });
});

describe('rate-limit headers', () => {
  it("reads Binance's usage headers from undici's object and from a fetch Headers", () => {
    const raw = { 'x-mbx-used-weight': '31', 'x-mbx-used-weight-1m': '31', 'x-mbx-order-count-10s': '2', 'x-mbx-order-count-1d': '7', 'x-sapi-used-ip-weight-1m': '40', 'content-type': 'application/json' };
    const expected = [
      { limit: 'request_weight_1m', used: 31 },
      { limit: 'orders_10s', used: 2 },
      { limit: 'orders_1d', used: 7 },
      { limit: 'sapi_ip_weight_1m', used: 40 },
    ];
    const binance = rateLimitReader('binance');
    const byName = (readings: { limit: string }[]): { limit: string }[] => [...readings].sort((a, b) => a.limit.localeCompare(b.limit));
    expect(byName(binance.headers(headerEntries(raw), '/api/v3/order'))).toEqual(byName(expected));
    expect(byName(binance.headers(headerEntries(new Headers(raw)), '/api/v3/order'))).toEqual(byName(expected));
    expect(binance.readsBody('/api/v3/exchangeInfo')).toBe(true);
    expect(binance.body({ rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }, { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 }] })).toEqual([
      { limit: 'request_weight_1m', size: 6000 },
      { limit: 'orders_10s', size: 100 },
    ]);
  });

  it("reads Bybit's per-endpoint limit and what is left of it; OKX sends none", () => {
    const headers = headerEntries(new Headers({ 'X-Bapi-Limit': '10', 'X-Bapi-Limit-Status': '7', 'X-Bapi-Limit-Reset-Timestamp': '1700000000000' }));
    expect(rateLimitReader('bybit').headers(headers, '/v5/order/create')).toEqual([{ limit: '/v5/order/create', used: 3, size: 10 }]);
    expect(rateLimitReader('okx').headers(headers, '/api/v5/trade/order')).toEqual([]);
  });
});

describe('unified methods', () => {
  it('are classified by what their results hold and which stream they watch', () => {
    expect(planOf('createOrder')).toMatchObject({ kind: 'rest', result: 'orders', places: true });
    expect(planOf('fetchOpenOrders')).toMatchObject({ kind: 'rest', result: 'orders', places: false });
    expect(planOf('fetchMyTrades')).toMatchObject({ result: 'trades' });
    expect(planOf('fetchOrderBook')).toMatchObject({ kind: 'rest', result: undefined });
    expect(planOf('watchOrderBookForSymbols')).toMatchObject({ kind: 'watch', stream: 'order_book' });
    expect(planOf('watchTickers')).toMatchObject({ kind: 'watch', stream: 'ticker' });
    expect(planOf('watchOHLCV')).toMatchObject({ kind: 'watch', stream: 'ohlcv' });
    expect(planOf('watchMyTrades')).toMatchObject({ kind: 'watch', stream: 'my_trades', result: 'trades' });
    expect(planOf('unWatchOrderBook')).toMatchObject({ kind: 'unwatch', stream: 'order_book' });
  });

  it('name their symbols: first argument, or second after an order id; currency codes are none', () => {
    expect(symbolsOf(planOf('watchOrderBook'), ['BTC/USDT'])).toEqual(['BTC/USDT']);
    expect(symbolsOf(planOf('watchTickers'), [['BTC/USDT', 'ETH/USDT']])).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(symbolsOf(planOf('watchOHLCVForSymbols'), [[['BTC/USDT', '1m']]])).toEqual(['BTC/USDT']);
    expect(symbolsOf(planOf('cancelOrder'), ['12345', 'BTC/USDT'])).toEqual(['BTC/USDT']);
    expect(symbolsOf(planOf('fetchDepositAddress'), ['BTC'])).toEqual([]);
  });

  it("map ccxt's order types onto ours", () => {
    expect(orderTypeOf('market', {})).toBe('market');
    expect(orderTypeOf('limit', undefined)).toBe('limit');
    expect(orderTypeOf('limit', { triggerPrice: 1 })).toBe('stop_limit');
    expect(orderTypeOf('market', { stopLossPrice: 1 })).toBe('stop');
    expect(orderTypeOf('STOP_LOSS_LIMIT', {})).toBe('stop_limit');
    expect(orderTypeOf('TAKE_PROFIT', {})).toBe('stop');
    expect(orderTypeOf('LIMIT_MAKER', {})).toBe('limit');
  });
});

describe('order answers from several sources', () => {
  it('a fill reported by watchMyTrades and again by watchOrders counts once; the order ends filled with all of it', () => {
    const telemetry = createTradingTelemetry();
    const ledger = new OrderLedger(10, () => undefined);
    const trace = telemetry.orders.track({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', quantity: 1, price: 100, clientOrderId: 'c-1' });
    trace.sent();
    ledger.follow(trace, 1);
    ledger.order({ id: '77', clientOrderId: 'c-1', status: 'open', filled: 0, cost: 0 });
    ledger.trade({ id: 't1', order: '77', amount: 0.4, price: 99 });
    ledger.order({ id: '77', status: 'open', filled: 0.4, cost: 39.6 });
    ledger.trade({ id: 't1', order: '77', amount: 0.4, price: 99 });
    ledger.order({ id: '77', status: 'open', filled: 0.7, cost: 69.9 });
    ledger.trade({ id: 't2', order: '77', amount: 0.3, price: 101 });
    ledger.trade({ id: 't3', order: '77', amount: 0.3, price: 100 });
    ledger.order({ id: '77', status: 'closed', filled: 1, cost: 99.9 });
    const summary = telemetry.orders.find('c-1');
    expect(summary?.stages.map((s) => s.stage)).toEqual(['created', 'sent', 'acknowledged', 'partially_filled', 'partially_filled', 'filled']);
    expect(summary?.filledQuantity).toBeCloseTo(1, 12);
    expect(summary?.averageFillPrice).toBeCloseTo(99.9, 9);
    expect(telemetry.snapshot().orders).toMatchObject({ placed: 1, partiallyFilled: 2, filled: 1 });
    expect(ledger.size).toBe(0);
    telemetry.close();
  });
});
