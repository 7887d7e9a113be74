import ccxt, { type OrderBook, type Trade } from 'ccxt';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BinanceSimulator, type ProBinance, rejection, until } from '../support/binance-simulator.js';

type Level = [number, number];
const plain = (side: readonly (readonly (number | undefined)[])[]): Level[] => side.map(([price, amount]) => [price ?? NaN, amount ?? NaN]);
const numeric = (side: readonly [string, string][]): Level[] => side.map(([price, amount]) => [Number(price), Number(amount)]);
const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis));

/** Whether `promise` settles within `millis`. */
async function settlesWithin(promise: Promise<unknown>, millis: number): Promise<boolean> {
  const timeout = sleep(millis).then(() => false);
  return Promise.race([promise.then(() => true, () => true), timeout]);
}

/** ccxt.pro's binance on the simulator's streams and user-data WebSocket API. */
describe('simulated exchange: Binance WebSocket streams with the real ccxt.pro', () => {
  let simulator: BinanceSimulator;
  let exchange: ProBinance;
  beforeAll(async () => {
    simulator = await BinanceSimulator.start({ binance: { balances: { USDT: 5_000_000, BTC: 10, ETH: 100, SOL: 1_000 } } });
    exchange = simulator.client();
    await exchange.loadMarkets();
  });
  afterEach(async () => simulator.control('reset'));
  afterAll(async () => simulator.close());

  /** ccxt's local book must equal the exchange's book at the same update id. */
  const expectInSync = (book: OrderBook, symbol: string): void => {
    const nonce = book.nonce ?? NaN;
    const truth = simulator.exchange.binance.bookAt(symbol, nonce);
    expect(truth, `the exchange's book at update id ${nonce}`).toBeDefined();
    expect(plain(book.bids)).toEqual(numeric(truth?.bids ?? []));
    expect(plain(book.asks)).toEqual(numeric(truth?.asks ?? []));
  };

  it('streams by URL path (raw and combined) and by SUBSCRIBE frame, as Binance serves them', async () => {
    const frames = (url: string, count: number, send?: unknown): Promise<Record<string, unknown>[]> =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(url);
        const received: Record<string, unknown>[] = [];
        socket.on('open', () => send !== undefined && socket.send(JSON.stringify(send)));
        socket.on('message', (data: Buffer) => {
          received.push(JSON.parse(data.toString()) as Record<string, unknown>);
          if (received.length === count) {
            socket.close();
            resolve(received);
          }
        });
        socket.on('error', reject);
      });
    const ws = simulator.exchange.url;
    const raw = await frames(`${ws}/ws/btcusdt@trade`, 2);
    expect(raw.map((frame) => frame.e)).toEqual(['trade', 'trade']);
    const combined = await frames(`${ws}/stream?streams=ethusdt@depth@100ms/solusdt@bookTicker`, 30);
    expect(new Set(combined.map((frame) => frame.stream))).toEqual(new Set(['ethusdt@depth@100ms', 'solusdt@bookTicker']));
    const subscribed = await frames(`${ws}/ws/0`, 2, { method: 'SUBSCRIBE', params: ['solusdt@depth@100ms'], id: 7 });
    expect(subscribed[0]).toEqual({ result: null, id: 7 });
    expect(subscribed[1]).toMatchObject({ e: 'depthUpdate', s: 'SOLUSDT' });
    const refused = await frames(`${ws}/ws/0`, 1, { method: 'SUBSCRIBE', params: ['dogeusdt@trade'], id: 8 });
    expect(refused[0]).toEqual({ error: { code: 2, msg: 'Invalid request: invalid stream' }, id: 8 });
  });

  it('watchOrderBook rebuilds the book from the REST snapshot and the diff stream, and stays in sync', async () => {
    let last = 0;
    for (let i = 0; i < 15; i++) {
      const book = await exchange.watchOrderBook('BTC/USDT');
      expect(book.nonce).toBeGreaterThan(last);
      last = book.nonce ?? 0;
      expectInSync(book, 'BTCUSDT');
    }
  });

  it('skipped update ids: ccxt rejects with ChecksumError, and the next watch resubscribes and resyncs', async () => {
    await exchange.watchOrderBook('SOL/USDT');
    await simulator.control('skip-update-ids', { symbol: 'SOLUSDT', count: 1 });
    let error: Error | undefined;
    for (let i = 0; i < 10 && error === undefined; i++) {
      try {
        await exchange.watchOrderBook('SOL/USDT');
      } catch (thrown) {
        error = thrown as Error;
      }
    }
    expect(error).toBeInstanceOf(ccxt.ChecksumError);
    expect(error).toBeInstanceOf(ccxt.InvalidNonce);
    const resynced = await exchange.watchOrderBook('SOL/USDT');
    expectInSync(resynced, 'SOLUSDT');
    expectInSync(await exchange.watchOrderBook('SOL/USDT'), 'SOLUSDT');
  });

  it('watchTicker and watchTrades deliver; event times follow the clock-offset fault', async () => {
    // ccxt 4.5.84's watchTicker subscribes <symbol>@miniTicker (its `stock` option lookup consumes
    // callerMethodName, so options.watchTicker.name is never read): last and volume, no bid or ask.
    const mini = await exchange.watchTicker('ETH/USDT');
    expect(mini).toMatchObject({ symbol: 'ETH/USDT', bid: undefined });
    expect(mini.last).toBeGreaterThan(0);
    const ticker = await exchange.watchTicker('ETH/USDT', { name: 'ticker' });
    expect(ticker.bid).toBeLessThan(ticker.ask ?? 0);
    expect(ticker.last).toBeGreaterThan(0);
    const trades = await exchange.watchTrades('ETH/USDT');
    expect(trades[0]).toMatchObject({ symbol: 'ETH/USDT' });
    await simulator.control('clock-offset', { millis: 45_000 });
    const skewed = await exchange.watchTrades('ETH/USDT');
    expect((skewed.at(-1)?.timestamp ?? 0) - Date.now()).toBeGreaterThan(40_000);
  });

  // The next tests each use a fresh client: ccxt keeps one local book per symbol, so a symbol fed by two
  // subscriptions (watchOrderBook and watchOrderBookForSymbols) resolves only whichever socket delivers first.

  it('a silent symbol stops on an open socket while the other symbol on it goes on (a zombie book)', async () => {
    const client = simulator.client();
    const symbols = ['BTC/USDT', 'ETH/USDT'];
    await client.watchOrderBookForSymbols(symbols);
    await simulator.control('silent-symbol', { symbol: 'BTCUSDT', millis: 1_500 });
    await sleep(150);
    const updated = new Set<string>();
    const started = Date.now();
    while (Date.now() - started < 1_000) updated.add((await client.watchOrderBookForSymbols(symbols)).symbol ?? '');
    expect([...updated]).toEqual(['ETH/USDT']);
    const socket = Object.values(client.clients).find((c) => c.url.includes('/ws/'));
    expect(socket?.isConnected).toBe(true);
    let book = await client.watchOrderBookForSymbols(symbols);
    while (book.symbol !== 'BTC/USDT') book = await client.watchOrderBookForSymbols(symbols);
    expect(Date.now() - started).toBeGreaterThan(1_100);
    expectInSync(book, 'BTCUSDT');
  });

  it('the silence fault holds every stream back with the socket open; data resumes without a gap', async () => {
    const client = simulator.client();
    await client.watchOrderBook('ETH/USDT');
    await simulator.control('silence', { millis: 600 });
    await sleep(120);
    expect(await settlesWithin(client.watchOrderBook('ETH/USDT'), 300)).toBe(false);
    expect(Object.values(client.clients).find((c) => c.url.includes('/ws/'))?.isConnected).toBe(true);
    await sleep(400);
    expectInSync(await client.watchOrderBook('ETH/USDT'), 'ETHUSDT');
  });

  it('a dropped connection rejects the pending watch with NetworkError; the next watch reconnects and re-snapshots', async () => {
    const client = simulator.client();
    await client.watchOrderBook('BTC/USDT');
    const pending = rejection(client.watchOrderBook('BTC/USDT'));
    await simulator.control('drop');
    expect(await pending).toBeInstanceOf(ccxt.NetworkError);
    expectInSync(await client.watchOrderBook('BTC/USDT'), 'BTCUSDT');
  });

  it('watchOrders and watchMyTrades deliver the partial fills and the fill of an order placed by createOrder', async () => {
    const client = simulator.client();
    await client.loadMarkets();
    const clientOrderId = 'stream-partial-1';
    const seen: { status: string; filled: number; amount: number }[] = [];
    const ordersDone = (async () => {
      for (;;) {
        for (const order of await client.watchOrders('BTC/USDT')) {
          if (order.clientOrderId !== clientOrderId) continue;
          seen.push({ status: order.status ?? '', filled: order.filled ?? 0, amount: order.amount ?? 0 });
          if (order.status === 'closed') return order;
        }
      }
    })();
    const balance = client.watchBalance();
    await until(() => Number(simulator.exchange.binance.state().userDataSubscriptions) >= 1, 'the user-data subscription');

    // 1 % over the ask and more than the whole visible ask side (20 levels, about 11 BTC): the taker part
    // empties the book, the rest rests and fills as maker when the next ticks refill the levels below it.
    const ask = (await client.fetchOrderBook('BTC/USDT', 1)).asks[0]?.[0] ?? 0;
    const price = Number(client.priceToPrecision('BTC/USDT', ask * 1.01));
    const amount = 25;
    const placed = await client.createOrder('BTC/USDT', 'limit', 'buy', amount, price, { clientOrderId });
    expect(placed.status).toBe('open');
    expect(placed.filled).toBeGreaterThan(0);
    expect(placed.filled).toBeLessThan(amount);

    const tradesDone = (async () => {
      const trades: Trade[] = [];
      let total = 0;
      while (total + 1e-9 < amount) {
        for (const trade of await client.watchMyTrades('BTC/USDT')) {
          if (trade.order !== placed.id || trades.some((t) => t.id === trade.id)) continue;
          trades.push(trade);
          total += trade.amount ?? 0;
        }
      }
      return trades;
    })();
    const fetchedTrades = (await client.fetchMyTrades('BTC/USDT')).filter((trade) => trade.order === placed.id);
    const final = await ordersDone;
    expect(final).toMatchObject({ id: placed.id, status: 'closed', filled: amount });
    expect(seen.some((s) => s.status === 'open' && s.filled > 0 && s.filled < amount)).toBe(true);

    const trades = [...fetchedTrades, ...(await tradesDone)].filter((trade, i, all) => all.findIndex((t) => t.id === trade.id) === i);
    expect(trades.reduce((sum, trade) => sum + (trade.amount ?? 0), 0)).toBeCloseTo(amount, 8);
    expect(new Set(trades.map((trade) => trade.takerOrMaker))).toEqual(new Set(['taker', 'maker']));
    for (const trade of trades) {
      expect(trade.fee?.currency).toBe('BTC');
      expect(trade.fee?.cost).toBeCloseTo((trade.amount ?? 0) * 0.001, 10);
    }
    expect((await balance)['BTC']?.free).toBeGreaterThan(0);
  });
});
