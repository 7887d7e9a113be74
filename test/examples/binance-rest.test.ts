import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binanceSimulatorOptions } from '../../examples/simulated-exchange/ccxt-urls.js';
import { BinanceSimulator, type ProBinance } from '../support/binance-simulator.js';

/** The real ccxt.binance against the simulator's spot REST API: market data, orders, account. */
describe('simulated exchange: Binance spot REST with the real ccxt', () => {
  let simulator: BinanceSimulator;
  let exchange: ProBinance;
  beforeAll(async () => {
    simulator = await BinanceSimulator.start();
    exchange = simulator.client();
    await exchange.loadMarkets();
  });
  afterAll(async () => simulator.close());

  const idOf = (order: { id?: string | undefined }): string => {
    if (order.id === undefined) throw new Error('an order without an id');
    return order.id;
  };

  const bestAsk = async (symbol = 'BTC/USDT'): Promise<number> => {
    const ask = (await exchange.fetchOrderBook(symbol, 5)).asks[0]?.[0];
    if (ask === undefined) throw new Error('empty book');
    return ask;
  };

  it('fetchTime answers the server clock', async () => {
    const before = Date.now();
    const serverTime = await exchange.fetchTime();
    expect(serverTime).toBeGreaterThanOrEqual(before - 5);
    expect(serverTime).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('loadMarkets lists BTC/USDT, ETH/USDT and SOL/USDT with precision and limits from the filters', () => {
    expect(Object.keys(exchange.markets ?? {}).sort()).toEqual(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    const btc = exchange.market('BTC/USDT');
    expect(btc).toMatchObject({ id: 'BTCUSDT', base: 'BTC', quote: 'USDT', spot: true, active: true });
    expect(btc.precision).toMatchObject({ amount: 0.00001, price: 0.01 });
    expect(btc.limits.amount).toEqual({ min: 0.00001, max: 9000 });
    expect(btc.limits.cost).toEqual({ min: 5, max: 9_000_000 });
    expect(exchange.currencies['USDT']?.id).toBe('USDT');
  });

  it('fetchOrderBook returns sorted levels on the tick grid with the snapshot update id', async () => {
    const book = await exchange.fetchOrderBook('BTC/USDT', 10);
    expect(book.bids).toHaveLength(10);
    expect(book.asks).toHaveLength(10);
    expect(book.nonce).toBeGreaterThan(1_000_000);
    const bids = book.bids.map(([price]) => price ?? 0);
    const asks = book.asks.map(([price]) => price ?? 0);
    expect(bids).toEqual([...bids].sort((a, b) => b - a));
    expect(asks).toEqual([...asks].sort((a, b) => a - b));
    expect(bids[0]).toBeLessThan(asks[0] ?? 0);
  });

  it('fetchTicker reports last, bid, ask and the 24 h statistics', async () => {
    const ticker = await exchange.fetchTicker('ETH/USDT');
    expect(ticker.symbol).toBe('ETH/USDT');
    expect(ticker.bid).toBeLessThan(ticker.ask ?? 0);
    expect(ticker.last).toBeGreaterThan(2_000);
    expect(ticker.high).toBeGreaterThanOrEqual(ticker.low ?? Infinity);
    const tickers = await exchange.fetchTickers(['BTC/USDT', 'SOL/USDT']);
    expect(Object.keys(tickers).sort()).toEqual(['BTC/USDT', 'SOL/USDT']);
  });

  it('createOrder (limit) sends the clientOrderId and answers the fills with commissions', async () => {
    // 1 % over the ask: marketable even after ccxt's throttler held the order back (the book moves meanwhile).
    const limit = Number(exchange.priceToPrecision('BTC/USDT', (await bestAsk()) * 1.01));
    const order = await exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, limit, { clientOrderId: 'rest-limit-1' });
    expect(order.clientOrderId).toBe('rest-limit-1');
    expect(order.status).toBe('closed');
    expect(order.filled).toBeCloseTo(0.01, 8);
    expect(order.trades.length).toBeGreaterThan(0);
    expect(order.fee).toMatchObject({ currency: 'BTC' });
    expect(order.fee?.cost).toBeCloseTo(0.01 * 0.001, 10);
    expect(order.average).toBeLessThanOrEqual(limit);
    expect(order.price).toBe(limit);
  });

  it('createOrder (market) fills at once; a sell pays its commission in the quote asset', async () => {
    const order = await exchange.createOrder('BTC/USDT', 'market', 'sell', 0.02);
    expect(order).toMatchObject({ type: 'market', side: 'sell', status: 'closed' });
    expect(order.filled).toBeCloseTo(0.02, 8);
    expect(order.fee?.currency).toBe('USDT');
    expect(order.fee?.cost).toBeCloseTo((order.cost ?? 0) * 0.001, 6);
  });

  it('a passive order rests: fetchOrder and fetchOpenOrders see it, cancelOrder ends it', async () => {
    const price = Number(exchange.priceToPrecision('BTC/USDT', (await bestAsk()) * 0.97));
    const order = await exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, price, { clientOrderId: 'rest-rest-1' });
    expect(order.status).toBe('open');
    const fetched = await exchange.fetchOrder(idOf(order), 'BTC/USDT');
    expect(fetched).toMatchObject({ id: order.id, clientOrderId: 'rest-rest-1', status: 'open', filled: 0, price });
    const byClientId = await exchange.fetchOrder('', 'BTC/USDT', { origClientOrderId: 'rest-rest-1' });
    expect(byClientId.id).toBe(order.id);
    expect((await exchange.fetchOpenOrders('BTC/USDT')).map((o) => o.id)).toContain(order.id);
    const cancelled = await exchange.cancelOrder(idOf(order), 'BTC/USDT');
    expect(cancelled.status).toBe('canceled');
    // Binance answers the cancel request's own client id; the order's is origClientOrderId.
    expect((cancelled.info as { origClientOrderId: string }).origClientOrderId).toBe('rest-rest-1');
    expect((await exchange.fetchOpenOrders('BTC/USDT')).map((o) => o.id)).not.toContain(order.id);
    expect((await exchange.fetchOrder(idOf(order), 'BTC/USDT')).status).toBe('canceled');
  });

  it('fetchBalance reflects trades and locks what resting orders may spend', async () => {
    const before = await exchange.fetchBalance();
    const price = Number(exchange.priceToPrecision('SOL/USDT', (await bestAsk('SOL/USDT')) * 0.97));
    const order = await exchange.createOrder('SOL/USDT', 'limit', 'buy', 10, price);
    const locked = await exchange.fetchBalance();
    expect(locked['USDT']?.used).toBeCloseTo((before['USDT']?.used ?? 0) + 10 * price, 4);
    expect(locked['USDT']?.free).toBeCloseTo((before['USDT']?.free ?? 0) - 10 * price, 4);
    await exchange.cancelOrder(idOf(order), 'SOL/USDT');
    expect((await exchange.fetchBalance())['USDT']?.used).toBeCloseTo(before['USDT']?.used ?? 0, 4);
  });

  it('fetchMyTrades lists own fills with price, amount, fee and maker/taker', async () => {
    const order = await exchange.createOrder('ETH/USDT', 'market', 'buy', 0.5);
    const trades = await exchange.fetchMyTrades('ETH/USDT');
    const own = trades.filter((trade) => trade.order === order.id);
    expect(own.reduce((sum, trade) => sum + (trade.amount ?? 0), 0)).toBeCloseTo(0.5, 8);
    for (const trade of own) {
      expect(trade).toMatchObject({ side: 'buy', takerOrMaker: 'taker', symbol: 'ETH/USDT' });
      expect(trade.fee).toMatchObject({ currency: 'ETH' });
    }
  });

  it('with fills stopped, a market order expires unfilled and a marketable limit order rests', async () => {
    await simulator.control('fills', { enabled: 'false' });
    try {
      const market = await exchange.createOrder('BTC/USDT', 'market', 'buy', 0.01);
      expect(market).toMatchObject({ status: 'expired', filled: 0 });
      const limit = await exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, Number(exchange.priceToPrecision('BTC/USDT', (await bestAsk()) * 1.01)));
      expect(limit).toMatchObject({ status: 'open', filled: 0 });
      await exchange.cancelOrder(idOf(limit), 'BTC/USDT');
    } finally {
      await simulator.control('reset');
    }
  });

  it('with resting fills paused, an order keeps what it took at once, and fills the rest once they resume', async () => {
    await simulator.control('fills', { resting: 'false' });
    try {
      const { order } = await simulator.placePartialBuy(exchange, 'BTC/USDT');
      await new Promise((resolve) => setTimeout(resolve, 500)); // 25 ticks of a moving book
      expect(await exchange.fetchOrder(idOf(order), 'BTC/USDT')).toMatchObject({ status: 'open', filled: order.filled });
      await simulator.control('fills');
      const deadline = Date.now() + 15_000;
      let filled = order.filled ?? 0;
      while (filled <= (order.filled ?? 0) && Date.now() < deadline) filled = (await exchange.fetchOrder(idOf(order), 'BTC/USDT')).filled ?? 0;
      expect(filled).toBeGreaterThan(order.filled ?? 0);
      await exchange.cancelOrder(idOf(order), 'BTC/USDT').catch(() => undefined); // the rest, if it has not filled yet
    } finally {
      await simulator.control('reset');
    }
  });

  it('a frozen market answers the same book until it is thawed', async () => {
    await simulator.control('market', { frozen: 'true' });
    try {
      const first = await exchange.fetchOrderBook('ETH/USDT', 20);
      await new Promise((resolve) => setTimeout(resolve, 200)); // 10 ticks
      expect(await exchange.fetchOrderBook('ETH/USDT', 20)).toMatchObject({ nonce: first.nonce, asks: first.asks, bids: first.bids });
      const state = (await (await fetch(`${simulator.exchange.httpUrl}/control/state`)).json()) as { faults: { marketFrozen: boolean } };
      expect(state.faults.marketFrozen).toBe(true);
      await simulator.control('market');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await exchange.fetchOrderBook('ETH/USDT', 20)).nonce).toBeGreaterThan(first.nonce ?? 0);
    } finally {
      await simulator.control('reset');
    }
  });

  it('fees on fills follow the fees control', async () => {
    await simulator.control('fees', { maker: 0, taker: 0.0025 });
    try {
      const order = await exchange.createOrder('BTC/USDT', 'market', 'buy', 0.01);
      expect(order.fee?.cost).toBeCloseTo(0.01 * 0.0025, 10);
      const account = await exchange.privateGetAccount();
      expect(account).toMatchObject({ commissionRates: { maker: '0.00000000', taker: '0.00250000' } });
    } finally {
      await simulator.control('reset');
    }
  });

  it('binanceSimulatorOptions leaves no ccxt URL off loopback, for REST, WebSocket, sandbox and demo', () => {
    const urls = (value: unknown): string[] => (typeof value === 'string' ? [value] : typeof value === 'object' && value !== null ? Object.values(value).flatMap(urls) : []);
    for (const client of [simulator.client(), new ccxt.binance(binanceSimulatorOptions(simulator.exchange.httpUrl))]) {
      const configured = urls([client.urls['api'], client.urls['test'], client.urls['demo']]);
      expect(configured.length).toBeGreaterThan(30);
      expect(configured.filter((url) => !/^(http|ws):\/\/127\.0\.0\.1:\d+\//.test(url))).toEqual([]);
    }
  });

  it('the control API refuses an unknown symbol and shows the current book', async () => {
    const refused = await fetch(`${simulator.exchange.httpUrl}/control/silent-symbol?symbol=DOGEUSDT`, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('BTCUSDT, ETHUSDT, SOLUSDT');
    const book = (await (await fetch(`${simulator.exchange.httpUrl}/control/book?symbol=ETHUSDT`)).json()) as { lastUpdateId: number; bids: unknown[] };
    expect(book.lastUpdateId).toBeGreaterThan(1_000_000);
    expect(book.bids).toHaveLength(20);
  });

  it('the implicit API reaches the same endpoints (exchangeInfo of one symbol)', async () => {
    const info = (await exchange.publicGetExchangeInfo({ symbol: 'SOLUSDT' })) as { symbols: { symbol: string }[] };
    expect(info.symbols.map((s) => s.symbol)).toEqual(['SOLUSDT']);
    expect(ccxt.version).toMatch(/^4\.5\./);
  });
});
