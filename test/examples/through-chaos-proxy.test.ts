import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throughProxy } from '../../examples/ccxt/through-chaos-proxy.js';
import { ChaosProxy } from '../../src/chaos/proxy/chaos-proxy.js';
import { BinanceSimulator, type ProBinance, rejection } from '../support/binance-simulator.js';

describe('examples/ccxt/through-chaos-proxy.ts', () => {
  let simulator: BinanceSimulator;
  let proxy: ChaosProxy;
  let exchange: ProBinance;
  beforeAll(async () => {
    simulator = await BinanceSimulator.start();
    proxy = await ChaosProxy.start({ upstream: simulator.exchange.httpUrl });
    exchange = simulator.client(); // every URL on the simulator
    throughProxy(exchange, simulator.exchange.httpUrl, proxy.url);
    throughProxy(exchange, simulator.exchange.httpUrl.replace('http:', 'ws:'), proxy.url.replace('http:', 'ws:'));
  });
  afterAll(async () => {
    await simulator.close();
    await proxy.close();
  });

  it('sends every REST request and stream of an existing ccxt instance through the proxy, where faults reach it', async () => {
    const urls = JSON.stringify(exchange.urls.api);
    expect(urls).not.toContain(simulator.exchange.httpUrl.replace('http://', ''));
    await exchange.loadMarkets();
    expect((await exchange.watchOrderBook('BTC/USDT')).bids.length).toBeGreaterThan(0);
    expect(proxy.faults.state().counts.refusedRequests).toBe(0);
    proxy.faults.apply('http-status', { status: 503, count: 1 });
    expect(await rejection(exchange.fetchTime())).toBeInstanceOf(ccxt.ExchangeNotAvailable);
    expect(proxy.faults.state().counts.refusedRequests).toBe(1);
  });
});
