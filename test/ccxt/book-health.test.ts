import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlerting, zombieOrderBook } from 'trading-telemetry/alerting';
import { ActivityGovernor } from '../../src/alerting/activity-governor.js';
import { BookHealth } from '../../src/ccxt/book-health.js';
import { exchangeMetricsOf } from '../../src/ccxt/exchange-metrics.js';
import { RiskBlocks } from '../../src/risk-blocks.js';
import { facadeInternalsOf } from '../../src/trading-telemetry.js';
import type { ProBinance } from '../support/binance-simulator.js';
import { InstrumentedBinance } from '../support/instrumented-binance.js';
import { metricsHarness } from '../support/metric-collector.js';

const book = (bid: number, ask: number): unknown => ({ bids: [[bid, 1]], asks: [[ask, 1]] });

describe('order book health, on a fake clock', () => {
  function setup(): { books: BookHealth; governor: ActivityGovernor; advance: (ms: number) => number } {
    let now = 0;
    const blocks = new RiskBlocks(() => now);
    const internals = facadeInternalsOf(metricsHarness({ clock: () => now }).telemetry);
    if (internals === undefined) throw new Error('no internals');
    const books = new BookHealth('binance', exchangeMetricsOf(internals.families), blocks);
    return { books, governor: new ActivityGovernor({ now: () => now, blocks }), advance: (ms) => (now += ms) };
  }

  it('a book silent past 3 × its median interval (at least 2 s) while others deliver is a zombie: its symbol alone is halted', () => {
    const { books, governor, advance } = setup();
    books.subscribe('BTC/USDT', 0);
    books.subscribe('ETH/USDT', 0);
    let at = 0;
    for (let i = 0; i < 20; i++) {
      at = advance(1_000); // one update a second: it may be silent 3 s
      books.update('BTC/USDT', book(100, 101), at);
      books.update('ETH/USDT', book(10, 11), at);
    }
    expect(books.views(at).find((v) => v.symbol === 'BTC/USDT')).toEqual({ symbol: 'BTC/USDT', ageSeconds: 0, medianIntervalMillis: 1_000, gaps: 0, resyncs: 0, crossed: 0, locked: 0, silent: false });
    for (let i = 0; i < 3; i++) books.update('ETH/USDT', book(10, 11), (at = advance(1_000)));
    expect(books.zombies(at)).toEqual([]); // 3 s: not yet past it
    books.update('ETH/USDT', book(10, 11), (at = advance(1_000)));
    expect(books.zombies(at)).toEqual([{ symbol: 'BTC/USDT', silentSeconds: 4 }]);
    expect(governor.allow({ exchange: 'binance', symbol: 'BTC/USDT' })).toEqual({ allowed: false, state: 'halted', reason: 'binance BTC/USDT: order book silent past 3 × its median update interval (at least 2 s) while the other streams deliver' });
    expect(governor.allow({ exchange: 'binance', symbol: 'BTC/USDT', reducesRisk: true }).allowed).toBe(true);
    expect(governor.allow({ exchange: 'binance', symbol: 'ETH/USDT' }).allowed).toBe(true);
    books.update('BTC/USDT', book(100, 101), (at = advance(10)));
    expect(books.zombies(at)).toEqual([]);
    expect(governor.allow({ exchange: 'binance', symbol: 'BTC/USDT' }).allowed).toBe(true);
  });

  it('a fast book still gets 2 s; silence everywhere (a dead socket) makes no zombie, nor a book still loading its snapshot', () => {
    const { books, advance } = setup();
    books.subscribe('BTC/USDT', 0);
    books.subscribe('ETH/USDT', 0);
    books.subscribe('SOL/USDT', 0); // never delivers
    let at = 0;
    for (let i = 0; i < 30; i++) books.update('BTC/USDT', book(100, 101), (at = advance(100)));
    books.update('ETH/USDT', book(10, 11), at);
    at = advance(1_900);
    books.update('ETH/USDT', book(10, 11), at);
    expect(books.zombies(at)).toEqual([]);
    at = advance(200);
    expect(books.zombies(at)).toEqual([]); // nothing delivered since it went quiet
    books.update('ETH/USDT', book(10, 11), at);
    expect(books.zombies(at).map((z) => z.symbol)).toEqual(['BTC/USDT']);
    expect(books.views(at).find((v) => v.symbol === 'SOL/USDT')).toMatchObject({ ageSeconds: null, medianIntervalMillis: null, silent: false });
  });

  it('counts gaps, the resync after each, and crossed and locked updates', () => {
    const { books, advance } = setup();
    books.subscribe('BTC/USDT', 0);
    books.update('BTC/USDT', book(100, 101), advance(100));
    books.gap('BTC/USDT');
    books.gap('BTC/USDT');
    books.update('BTC/USDT', book(101, 101), advance(100)); // the re-snapshot, locked
    books.update('BTC/USDT', book(102, 101), advance(100)); // crossed
    books.update('BTC/USDT', { bids: [], asks: [[101, 1]] }, advance(100)); // one-sided: neither
    expect(books.views(advance(0))[0]).toMatchObject({ gaps: 2, resyncs: 1, crossed: 1, locked: 1 });
  });
});

/** Real ccxt on the simulator: /control/silent-symbol and /control/skip-update-ids. */
describe('order book health of real ccxt books', () => {
  let env: InstrumentedBinance;
  let exchange: ProBinance;
  let watching = true;
  let dir: string | undefined;
  const loops: Promise<void>[] = [];
  const BOOK = (symbol: string): Record<string, string> => ({ trading_exchange: 'binance', trading_symbol: symbol });

  const exchangeCheck = async (): Promise<{ status: string; reason: string | null }> => {
    const check = (await env.handle.health.run()).checks.find((c) => c.name === 'exchange:binance');
    return { status: check?.status ?? 'missing', reason: check?.reason ?? null };
  };
  const eventually = async (check: () => Promise<boolean>, what: string, timeoutMillis = 8_000): Promise<void> => {
    const deadline = Date.now() + timeoutMillis;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    env = await InstrumentedBinance.start({ simulator: { tickIntervalMillis: 50 } });
    exchange = env.client({}, { traceWatchCalls: false });
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      loops.push(
        (async () => {
          while (watching) await exchange.watchOrderBook(symbol).catch(() => new Promise((resolve) => setTimeout(resolve, 20)));
        })(),
      );
    }
    await eventually(async () => ((await env.sample('trading_exchange_stream_messages_total', { ...BOOK('ETH/USDT'), trading_stream: 'order_book' })) ?? 0) > 10, 'book updates');
  });
  afterAll(async () => {
    watching = false;
    await env.close();
    await Promise.all(loops);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('the series exist at 0 from the subscription; age is fresh', async () => {
    for (const symbol of ['BTC/USDT', 'ETH/USDT']) {
      expect(await env.sample('trading_order_book_gaps_total', BOOK(symbol))).toBe(0);
      expect(await env.sample('trading_order_book_resyncs_total', BOOK(symbol))).toBe(0);
      expect(await env.sample('trading_order_book_crossed_total', { ...BOOK(symbol), trading_book_condition: 'crossed' })).toBe(0);
      expect(await env.sample('trading_order_book_silent', BOOK(symbol))).toBe(0);
      expect(await env.sample('trading_order_book_age', BOOK(symbol))).toBeLessThan(1);
    }
  });

  it('skipped update ids: a gap counted, then the resync, and the book flows again', async () => {
    await env.simulator.control('skip-update-ids', { symbol: 'ETHUSDT', count: 1 });
    await eventually(async () => ((await env.sample('trading_order_book_resyncs_total', BOOK('ETH/USDT'))) ?? 0) >= 1, 'a resync');
    expect(await env.sample('trading_order_book_gaps_total', BOOK('ETH/USDT'))).toBe(1);
    expect(await env.sample('trading_order_book_gaps_total', BOOK('BTC/USDT'))).toBe(0);
    expect(await env.sample('trading_order_book_age', BOOK('ETH/USDT'))).toBeLessThan(1);
  });

  it('a silent symbol with the socket open: a zombie, its health degraded naming it, and only its orders halted', async () => {
    dir = await mkdtemp(join(tmpdir(), 'zombie-'));
    const { governor, engine } = await startAlerting(env.handle, { rules: [zombieOrderBook()], incidents: { path: join(dir, 'incidents.jsonl') }, evaluateEveryMillis: 60_000 });
    await env.simulator.control('silent-symbol', { symbol: 'BTCUSDT', millis: 3_500 });
    await eventually(async () => (await env.sample('trading_order_book_silent', BOOK('BTC/USDT'))) === 1, 'the zombie');
    expect(await env.sample('trading_order_book_silent', BOOK('ETH/USDT'))).toBe(0);
    expect(await exchangeCheck()).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/binance: BTC\/USDT order book silent for [23]\.\d s while the other streams deliver/) as unknown });
    expect(governor.allow({ exchange: 'binance', symbol: 'BTC/USDT' })).toMatchObject({ allowed: false, state: 'halted' });
    expect(governor.allow({ exchange: 'binance', symbol: 'ETH/USDT' }).allowed).toBe(true);
    engine.evaluate();
    expect(engine.alerts().find((a) => a.rule === 'zombie_order_book')).toMatchObject({ state: 'firing', message: 'order book silent while the other streams deliver: binance BTC/USDT' });
    expect(await env.sample('trading_governor_blocks', { trading_exchange: 'binance', trading_block_source: 'book', trading_block_level: 'halt' })).toBe(1);
    await eventually(async () => (await env.sample('trading_order_book_silent', BOOK('BTC/USDT'))) === 0, 'the book to come back');
    expect(governor.allow({ exchange: 'binance', symbol: 'BTC/USDT' }).allowed).toBe(true);
  });
});
