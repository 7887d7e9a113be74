import { describe, expect, it } from 'vitest';
import { clockOffset, crossedOrderBook, exchangeBanned, orderBookGaps, rateLimitHeadroom, tradingPresets, zombieOrderBook, type ExchangeHealthView, type RuleContext } from 'trading-telemetry/alerting';

const BOOK = { symbol: 'BTC/USDT', ageSeconds: 0.1, medianIntervalMillis: 100, gaps: 0, resyncs: 0, crossed: 0, locked: 0, silent: false };
const VIEW: ExchangeHealthView = { exchange: 'binance', connected: true, rateLimits: [], rateLimitShare: 0.9, refusal: null, clock: null, books: [BOOK], blocks: [] };

function context(now: number, view: Partial<ExchangeHealthView>): RuleContext {
  return {
    now,
    snapshot: {} as RuleContext['snapshot'],
    risk: { tradingDay: '2026-12-01', dayStartPnl: 0, dailyPnl: 0, highWaterMark: 0, drawdown: 0 },
    interval: { seconds: 1, placed: 0, filled: 0, rejected: 0, messages: 0, latencyP95: Number.NaN },
    exchanges: [{ ...VIEW, ...view }],
  };
}

describe('exchange health presets', () => {
  it("rate_limit_headroom: the most used limit the exchange reports at 0.8 or more, held 30 s by default; ccxt's throttler is not one", () => {
    const rule = rateLimitHeadroom();
    expect(rule.forMillis).toBe(30_000);
    expect(rule.condition(context(0, { rateLimits: [{ limit: 'request_weight_1m', used: 4700, size: 6000, usage: 0.783 }] }))).toBeUndefined();
    expect(rule.condition(context(0, { rateLimits: [{ limit: 'request_weight_1m', used: 4900, size: 6000, usage: 0.8167 }, { limit: 'ccxt_throttler', used: 0.85, size: 1, usage: 0.85 }, { limit: 'orders_10s', used: 3, size: null, usage: null }] }))).toEqual({
      message: 'binance: rate limit request_weight_1m 82 % used (warning at 80 %)',
      value: 0.8167,
    });
    expect(rule.condition(context(0, { rateLimits: [{ limit: 'request_weight_1m', used: 600, size: 6000, usage: 0.1 }, { limit: 'ccxt_throttler', used: 1, size: 1, usage: 1 }] }))).toBeUndefined();
  });

  it('exchange_banned: while a 418 ban runs, not for a 429', () => {
    const rule = exchangeBanned();
    expect(rule.severity).toBe('critical');
    expect(rule.condition(context(1_000, { refusal: { status: 429, until: 30_000 } }))).toBeUndefined();
    expect(rule.condition(context(1_000, { refusal: { status: 418, until: 121_000 } }))).toEqual({ message: 'binance: IP banned (418) for 120 s more', value: 120 });
  });

  it('clock_offset: a quarter of the recvWindow by default, or the limit given', () => {
    const clock = { offsetMillis: -1_300, uncertaintyMillis: 4, distanceMillis: 1_304, measuredAt: 0, recvWindowMillis: 5_000 };
    expect(clockOffset().condition(context(0, { clock }))).toEqual({ message: 'binance: clock -1300 ms from ours (± 4; limit 1250 ms)', value: -1.3 });
    expect(clockOffset({ maxOffsetMillis: 2_000 }).condition(context(0, { clock }))).toBeUndefined();
    expect(clockOffset().condition(context(0, { clock: null }))).toBeUndefined();
    // From stream stamps alone, a lower bound: 1.3 s ahead at least is proven, "1.3 s behind at least" is not.
    const ahead = { ...clock, offsetMillis: 1_300, uncertaintyMillis: null, distanceMillis: 1_300 };
    expect(clockOffset().condition(context(0, { clock: ahead }))).toEqual({ message: 'binance: clock 1300 ms from ours (at least; limit 1250 ms)', value: 1.3 });
    expect(clockOffset().condition(context(0, { clock: { ...clock, uncertaintyMillis: null, distanceMillis: 0 } }))).toBeUndefined();
  });

  it('zombie_order_book: any silent book, named', () => {
    expect(zombieOrderBook().condition(context(0, {}))).toBeUndefined();
    expect(zombieOrderBook().condition(context(0, { books: [{ ...BOOK, silent: true }, { ...BOOK, symbol: 'ETH/USDT' }] }))?.message).toBe('order book silent while the other streams deliver: binance BTC/USDT');
  });

  it('order_book_gaps and crossed_order_book: counts over a 5-minute window of evaluations', () => {
    const gaps = orderBookGaps();
    const crossed = crossedOrderBook();
    const at = (seconds: number, counts: { gaps: number; crossed: number }): RuleContext => context(seconds * 1000, { books: [{ ...BOOK, ...counts }] });
    expect(gaps.condition(at(0, { gaps: 10, crossed: 2 }))).toBeUndefined(); // counts from before are not this window's
    expect(crossed.condition(at(0, { gaps: 10, crossed: 2 }))).toBeUndefined();
    expect(gaps.condition(at(60, { gaps: 13, crossed: 2 }))).toBeUndefined(); // 3 is not more than 3
    expect(crossed.condition(at(60, { gaps: 13, crossed: 3 }))).toEqual({ message: 'crossed order book updates in the last 300 s: binance BTC/USDT 1', value: 1 });
    expect(gaps.condition(at(120, { gaps: 14, crossed: 3 }))).toEqual({ message: 'sequence gaps in the last 300 s: binance BTC/USDT 4', value: 4 });
    expect(gaps.condition(at(400, { gaps: 14, crossed: 3 }))).toBeUndefined(); // the window moved on
    expect(crossed.condition(at(400, { gaps: 14, crossed: 3 }))).toBeUndefined();
  });

  it('are among the trading presets, quiet with no instrumented exchange', () => {
    const rules = tradingPresets();
    const names = rules.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['rate_limit_headroom', 'exchange_banned', 'clock_offset', 'zombie_order_book', 'order_book_gaps', 'crossed_order_book']));
    const quiet = { ...context(0, {}), exchanges: [] };
    for (const rule of rules.filter((r) => r.labels?.group === 'exchange' && r.name !== 'exchange_disconnected' && r.name !== 'stale_market_data')) expect(rule.condition(quiet), rule.name).toBeUndefined();
  });

  it('take the headroom alert’s share and how long it must hold (a short drill cannot wait 30 s)', () => {
    const headroom = (rules: ReturnType<typeof tradingPresets>) => rules.find((r) => r.name === 'rate_limit_headroom');
    expect(headroom(tradingPresets())?.forMillis).toBe(30_000);
    const short = headroom(tradingPresets({ rateLimitUsage: 0.7, rateLimitForSeconds: 3 }));
    expect(short?.forMillis).toBe(3_000);
    expect(short?.condition(context(0, { rateLimits: [{ limit: 'request_weight_1m', used: 4300, size: 6000, usage: 0.717 }] }))).toMatchObject({ value: 0.717 });
    expect(() => tradingPresets({ rateLimitForSeconds: -1 })).toThrow(/rateLimitForSeconds/);
  });
});
