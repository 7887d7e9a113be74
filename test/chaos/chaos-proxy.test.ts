import ccxt from 'ccxt';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_API_CREDENTIALS } from '../../examples/simulated-exchange/binance/binance-venue.js';
import { binanceSimulatorOptions } from '../../examples/simulated-exchange/ccxt-urls.js';
import { ChaosProxy } from '../../src/chaos/proxy/chaos-proxy.js';
import { TelemetryConfigError } from '../../src/errors.js';
import { BinanceSimulator, type ProBinance, rejection } from '../support/binance-simulator.js';

const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis));

/** The real ccxt.pro binance, through the proxy to the simulator on 127.0.0.1. */
describe('the chaos proxy between real ccxt and the simulated exchange', () => {
  let simulator: BinanceSimulator;
  let proxy: ChaosProxy;
  const clients: ProBinance[] = [];
  /** A ccxt.pro binance whose every URL is the proxy's; the throttler off so storms arrive fast. */
  const client = (): ProBinance => {
    const exchange = new ccxt.pro.binance({ ...DEFAULT_API_CREDENTIALS, ...binanceSimulatorOptions(proxy.url), enableRateLimit: false });
    clients.push(exchange);
    return exchange;
  };
  const fault = async (name: string, body: Record<string, unknown> = {}): Promise<void> => {
    const response = await fetch(`${proxy.controlUrl}/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`fault ${name}: ${response.status} ${await response.text()}`);
  };
  let exchange: ProBinance;

  beforeAll(async () => {
    simulator = await BinanceSimulator.start();
    proxy = await ChaosProxy.start({ upstream: simulator.exchange.httpUrl });
    exchange = client();
    await exchange.loadMarkets();
  });
  afterEach(async () => fault('reset'));
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await proxy.close();
    await simulator.close();
  });

  it('forwards REST (public and signed) and WebSocket streams unchanged when no fault is on', async () => {
    expect(Math.abs(((await exchange.fetchTime()) ?? 0) - Date.now())).toBeLessThan(1_000);
    const balance = await exchange.fetchBalance();
    expect(balance.USDT?.total).toBeGreaterThan(0);
    const updates = exchange.watchOrders(); // the WebSocket API's user-data subscription
    await sleep(300);
    const order = await exchange.createOrder('BTC/USDT', 'market', 'buy', 0.001);
    expect(order.status).toBe('closed');
    expect((await updates).map((o) => o.id)).toContain(order.id);
    const book = await exchange.watchOrderBook('BTC/USDT');
    expect(book.bids.length).toBeGreaterThan(0);
    const state = (await (await fetch(`${proxy.controlUrl}/state`)).json()) as { connections: number };
    expect(state.connections).toBeGreaterThan(0);
  });

  it('latency holds every REST answer and every stream message back', async () => {
    await fault('latency', { millis: 400 });
    const started = Date.now();
    await exchange.fetchTime();
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await exchange.watchOrderBook('ETH/USDT');
    const book = await exchange.watchOrderBook('ETH/USDT');
    expect(Date.now() - (book.timestamp ?? Date.now())).toBeGreaterThanOrEqual(350);
  });

  it('disconnect drops every socket (the pending watch rejects NetworkError) and refuses new ones for a while', async () => {
    const c = client();
    await c.watchOrderBook('BTC/USDT');
    const pending = rejection(c.watchOrderBook('BTC/USDT'));
    await fault('disconnect', { millis: 1_500 });
    expect(await pending).toBeInstanceOf(ccxt.NetworkError);
    // A refused redial rejects the watch (ccxt: NetworkError "Unexpected server response: 503"); a bot watches again.
    const refusedFrom = Date.now();
    let refusals = 0;
    let book;
    while (book === undefined) {
      try {
        book = await c.watchOrderBook('BTC/USDT');
      } catch (error) {
        expect(error).toBeInstanceOf(ccxt.NetworkError);
        refusals++;
        await sleep(100);
      }
    }
    expect(refusals).toBeGreaterThan(0);
    expect(Date.now() - refusedFrom).toBeGreaterThanOrEqual(1_000);
    expect(book.bids.length).toBeGreaterThan(0);
    const state = (await (await fetch(`${proxy.controlUrl}/state`)).json()) as { counts: { droppedConnections: number; refusedConnections: number } };
    expect(state.counts.droppedConnections).toBeGreaterThan(0);
    expect(state.counts.refusedConnections).toBeGreaterThan(0);
  });

  it('http-status answers 429 and 418 with Retry-After (ccxt: DDoSProtection) and 503 (ExchangeNotAvailable), for the next N requests', async () => {
    await fault('http-status', { status: 429, count: 2, retryAfterSeconds: 7 });
    expect(await rejection(exchange.fetchTime())).toBeInstanceOf(ccxt.DDoSProtection);
    expect(exchange.last_response_headers?.['Retry-After']).toBe('7');
    expect(await rejection(exchange.fetchTime())).toBeInstanceOf(ccxt.DDoSProtection);
    expect(await exchange.fetchTime()).toBeGreaterThan(0);
    await fault('http-status', { status: 418, count: 1, retryAfterSeconds: 120 });
    const banned = await rejection(exchange.fetchTime());
    expect(banned).toBeInstanceOf(ccxt.DDoSProtection);
    expect(banned.message).toContain('IP banned until');
    await fault('http-status', { status: 503, millis: 300 });
    expect(await rejection(exchange.fetchTime())).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    await sleep(350);
    expect(await exchange.fetchTime()).toBeGreaterThan(0);
  });

  it('silent-symbol withholds one symbol on an open socket while the other goes on (a zombie book)', async () => {
    const c = client();
    const symbols = ['BTC/USDT', 'ETH/USDT'];
    await c.watchOrderBookForSymbols(symbols);
    await fault('silent-symbol', { symbol: 'BTC/USDT', millis: 1_500 });
    await sleep(150);
    const updated = new Set<string>();
    const started = Date.now();
    while (Date.now() - started < 1_000) updated.add((await c.watchOrderBookForSymbols(symbols)).symbol ?? '');
    expect([...updated]).toEqual(['ETH/USDT']);
    expect(Object.values(c.clients).find((ws) => ws.url.includes('/ws/'))?.isConnected).toBe(true);
    const state = (await (await fetch(`${proxy.controlUrl}/state`)).json()) as { counts: { silencedMessages: number; droppedConnections: number } };
    expect(state.counts.silencedMessages).toBeGreaterThan(0);
  });

  it('skip-update-ids makes the book’s update ids skip: ccxt rejects ChecksumError, and the next watch resyncs', async () => {
    const c = client();
    // The first watch answers the REST snapshot; events already older than it are ignored, so a
    // drop among them would be no gap. The second answers a live event: every later one is newer.
    await c.watchOrderBook('SOL/USDT');
    await c.watchOrderBook('SOL/USDT');
    await fault('skip-update-ids', { symbol: 'SOLUSDT', count: 1 });
    let error: Error | undefined;
    for (let i = 0; i < 20 && error === undefined; i++) {
      try {
        await c.watchOrderBook('SOL/USDT');
      } catch (thrown) {
        error = thrown as Error;
      }
    }
    expect(error).toBeInstanceOf(ccxt.ChecksumError);
    const resynced = await c.watchOrderBook('SOL/USDT');
    expect(resynced.bids.length).toBeGreaterThan(0);
  });

  it('clock-skew shifts serverTime, the Date header and stream event times, and refuses signed requests outside recvWindow (InvalidNonce)', async () => {
    const c = client();
    await c.watchOrderBook('ETH/USDT'); // markets loaded before: a skew at start-up poisons ccxt's loadMarkets
    await fault('clock-skew', { millis: 15_000 });
    expect(((await exchange.fetchTime()) ?? 0) - Date.now()).toBeGreaterThan(14_000);
    const date = Date.parse(String(exchange.last_response_headers?.Date));
    expect(date - Date.now()).toBeGreaterThan(13_000);
    await c.watchOrderBook('ETH/USDT');
    const book = await c.watchOrderBook('ETH/USDT');
    expect((book.timestamp ?? 0) - Date.now()).toBeGreaterThan(14_000);
    expect(await rejection(exchange.fetchBalance())).toBeInstanceOf(ccxt.InvalidNonce);
    await fault('clock-skew', { millis: 2_000 });
    expect((await exchange.fetchBalance()).USDT?.total).toBeGreaterThan(0);
  });

  it('rate-limit-storm: the used weight climbs towards the limit, then 429 with Retry-After, then 418 for a bot that goes on', async () => {
    await fault('rate-limit-storm', { budget: 10, limit: 6000, banAfter: 2, banSeconds: 30 });
    const used: number[] = [];
    let refused: Error | undefined;
    while (refused === undefined && used.length < 50) {
      try {
        await exchange.fetchTime();
        used.push(Number(exchange.last_response_headers?.['X-Mbx-Used-Weight-1m']));
      } catch (error) {
        refused = error as Error;
      }
    }
    expect(used.length).toBeGreaterThan(3);
    expect(used).toEqual([...used].sort((a, b) => a - b));
    expect(used.at(-1)).toBeGreaterThanOrEqual(5400);
    expect(refused).toBeInstanceOf(ccxt.DDoSProtection);
    expect(Number(exchange.last_response_headers?.['Retry-After'])).toBeGreaterThan(0);
    expect(await rejection(exchange.fetchTime())).toBeInstanceOf(ccxt.DDoSProtection); // the second 429
    const ban = await rejection(exchange.fetchTime());
    expect(ban.message).toContain('IP banned until');
    expect(exchange.last_response_headers?.['Retry-After']).toBe('30');
    const state = (await (await fetch(`${proxy.controlUrl}/state`)).json()) as { rateLimitStorm: { refused429: number; refused418: number } };
    expect(state.rateLimitStorm).toMatchObject({ refused429: 2, refused418: 1 });
  });

  it('keeps no key or signature: the state holds none after signed traffic', async () => {
    await exchange.fetchBalance();
    await fault('latency', { millis: 1 });
    const text = await (await fetch(`${proxy.controlUrl}/state`)).text();
    expect(text).not.toContain(DEFAULT_API_CREDENTIALS.apiKey);
    expect(text).not.toContain('signature');
    expect(text).not.toContain('timestamp=');
  });
});

describe('the chaos proxy control API', () => {
  let simulator: BinanceSimulator;
  let proxy: ChaosProxy;
  const token = 'control-token-0123456789';
  beforeAll(async () => {
    simulator = await BinanceSimulator.start();
    proxy = await ChaosProxy.start({ upstream: simulator.exchange.httpUrl, token });
  });
  afterAll(async () => {
    await proxy.close();
    await simulator.close();
  });
  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${proxy.controlUrl}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body });

  it('takes JSON only, with the token, from loopback names, and validates strictly', async () => {
    expect((await post('latency', '{"millis":5}')).status).toBe(200);
    expect((await post('latency', '{"millis":5}', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await post('latency', 'millis=5', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await post('latency', '{"millis":5}', { origin: 'http://evil.example' })).status).toBe(403);
    const bad = await post('latency', '{"milis":5}');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('body field millis');
    expect((await post('http-status', '{"status":429}')).status).toBe(400);
    expect((await post('no-such-fault', '{}')).status).toBe(404);
    expect((await fetch(`${proxy.controlUrl}/state`)).status).toBe(401);
    const state = await fetch(`${proxy.controlUrl}/state`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await state.json()) as { latencyMillis: number }).latencyMillis).toBe(5);
  });

  it('refuses a Host that is not a loopback name (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${proxy.controlUrl}/state`, { headers: { host: 'evil.example', authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('sends WebSockets to --ws-upstream when the exchange serves them from another host', async () => {
    const split = await ChaosProxy.start({ upstream: 'http://127.0.0.1:9', wsUpstream: simulator.exchange.url.replace(/\/ws$/, '') });
    try {
      expect((await fetch(`${split.url}/api/v3/time`)).status).toBe(502); // nothing on the REST upstream
      const frame = await new Promise<string>((resolve, reject) => {
        const socket = new WebSocket(`${split.url.replace('http:', 'ws:')}/ws/btcusdt@trade`);
        socket.on('message', (data: Buffer) => {
          socket.close();
          resolve(data.toString());
        });
        socket.on('error', reject);
      });
      expect(JSON.parse(frame)).toMatchObject({ e: 'trade', s: 'BTCUSDT' });
    } finally {
      await split.close();
    }
  });

  it('refuses unusable options with a TelemetryConfigError that names them', async () => {
    await expect(ChaosProxy.start({ upstream: 'http://127.0.0.1:1', wsUpstream: 'http://127.0.0.1:1' })).rejects.toThrow(/wsUpstream: must be ws:\/\/ or wss:\/\//);
    await expect(ChaosProxy.start({ upstream: 'ftp://127.0.0.1' })).rejects.toThrow(TelemetryConfigError);
    await expect(ChaosProxy.start({ upstream: 'http://127.0.0.1:1/api?x=1' })).rejects.toThrow(/upstream/);
    await expect(ChaosProxy.start({ upstream: 'http://127.0.0.1:1', host: '0.0.0.0' })).rejects.toThrow(/listen/);
    // A token guards the control API only: forwarding would still relay anyone's requests.
    await expect(ChaosProxy.start({ upstream: 'http://127.0.0.1:1', host: '0.0.0.0', token: 'a-token-of-16-chars+' })).rejects.toThrow(/^listen: 0\.0\.0\.0 is not loopback/);
    await expect(ChaosProxy.start({ upstream: 'http://127.0.0.1:1', token: 'short' })).rejects.toThrow(/token/);
  });
});

describe('the chaos proxy when upstream fails mid-answer', () => {
  it('an answer cut off after its headers ends that request, and the proxy goes on serving', async () => {
    // An upstream that sends headers and half a body, then resets the connection.
    const upstream = createServer((req, res) => {
      if (req.url === '/cut') {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
        res.write('half');
        setTimeout(() => res.socket?.destroy(), 20);
      } else res.writeHead(200, { 'content-type': 'text/plain' }).end('whole');
    });
    await new Promise<void>((ready) => upstream.listen(0, '127.0.0.1', ready));
    const proxy = await ChaosProxy.start({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    try {
      await expect(fetch(`${proxy.url}/cut`).then((r) => r.text())).rejects.toThrow();
      expect(await (await fetch(`${proxy.url}/ok`)).text()).toBe('whole');
    } finally {
      await proxy.close();
      await new Promise((closed) => upstream.close(closed));
    }
  });
});
