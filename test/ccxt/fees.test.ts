import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProBinance } from '../support/binance-simulator.js';
import { until } from '../support/binance-simulator.js';
import { FundingLedger } from '../../src/ccxt/funding-ledger.js';
import { OrderLedger } from '../../src/ccxt/order-ledger.js';
import { planOf } from '../../src/ccxt/unified-methods.js';
import { InstrumentedBinance } from '../support/instrumented-binance.js';
import { metricsHarness } from '../support/metric-collector.js';

const SYMBOL = 'BTC/USDT';
const EXCHANGE = { trading_exchange: 'binance' };

/** Fees from the executions ccxt reports feed the facade's fee metrics and each order's summary. */
describe('fees from ccxt fills', () => {
  let env: InstrumentedBinance;
  let exchange: ProBinance;

  beforeAll(async () => {
    env = await InstrumentedBinance.start();
    exchange = env.client();
    await exchange.loadMarkets();
  });
  afterAll(async () => env.close());

  it("a market order's fills (createOrder's FULL answer) carry their commission into trading.fees and the order's fees", async () => {
    await env.simulator.control('fees', { maker: 0.001, taker: 0.002 });
    const order = await exchange.createOrder(SYMBOL, 'market', 'buy', 0.01);
    expect(order.status).toBe('closed');
    const charged = order.trades.reduce((sum, trade) => sum + (trade.fee?.cost ?? 0), 0);
    const currency = order.trades[0]?.fee?.currency ?? '';
    expect(charged).toBeGreaterThan(0);
    expect(charged).toBeCloseTo(0.01 * 0.002, 10); // taker 0.2 % of the base bought, in BTC
    expect(await env.sample('trading_fees_total', { ...EXCHANGE, trading_asset: currency })).toBeCloseTo(charged, 12);
    const summary = await until(() => env.handle.telemetry.orders.find(order.clientOrderId ?? ''), 'the order summary');
    expect(summary.fees).toEqual({ [currency]: expect.closeTo(charged, 12) as unknown });
  });

  it('a limit order filled later: the trades fetchMyTrades reports bring their fees, each once', async () => {
    await env.simulator.control('fees', { maker: 0.001, taker: 0.001 });
    const book = await exchange.fetchOrderBook(SYMBOL, 5);
    const bid = book.bids[0]?.[0] ?? 0;
    const before = (await env.sample('trading_fees_total', { ...EXCHANGE, trading_asset: 'BTC' })) ?? 0;
    const placed = await exchange.createOrder(SYMBOL, 'limit', 'buy', 0.01, bid); // may fill at once, if the book moved
    // Wait for the crowd to trade into it, reading trades as a bot would.
    const deadline = Date.now() + 15_000;
    let trades = (await exchange.fetchMyTrades(SYMBOL)).filter((t) => t.order === placed.id);
    while (trades.reduce((sum, t) => sum + (t.amount ?? 0), 0) < 0.01 - 1e-12) {
      if (Date.now() > deadline) throw new Error('the limit order did not fill');
      await new Promise((resolve) => setTimeout(resolve, 100));
      trades = (await exchange.fetchMyTrades(SYMBOL)).filter((t) => t.order === placed.id);
    }
    await exchange.fetchMyTrades(SYMBOL); // again: the same trades are not charged twice
    const charged = trades.reduce((sum, trade) => sum + (trade.fee?.cost ?? 0), 0);
    expect(charged).toBeGreaterThan(0);
    expect(((await env.sample('trading_fees_total', { ...EXCHANGE, trading_asset: 'BTC' })) ?? 0) - before).toBeCloseTo(charged, 12);
  });
});

describe('fees the answers report in any order', () => {
  it('a fill carries its fee; a second currency, and trades read after the order closed, are charged once too', async () => {
    const h = metricsHarness();
    try {
      const ledger = new OrderLedger(10, (intent, fee) => h.telemetry.orders.for(intent).fee(fee.currency, fee.cost));
      const trace = h.telemetry.orders.track({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', quantity: 1, price: 100, clientOrderId: 'c-1' });
      trace.sent();
      ledger.follow(trace, 1);
      ledger.order({ id: '77', clientOrderId: 'c-1', status: 'open', filled: 0, cost: 0 });
      ledger.trade({ id: 't1', order: '77', amount: 0.4, price: 100, fee: { cost: 0.0004, currency: 'BTC' } });
      // One answer with two executions whose fees are in two currencies (a BNB discount on one).
      ledger.order({ id: '77', status: 'open', filled: 0.4, cost: 40, trades: [{ id: 't2', order: '77', amount: 0.2, price: 100, fee: { cost: 0.01, currency: 'BNB' } }, { id: 't3', order: '77', amount: 0.2, price: 100, fee: { cost: 0.0002, currency: 'BTC' } }] });
      // watchOrders says closed before watchMyTrades delivers the last execution.
      ledger.order({ id: '77', status: 'closed', filled: 1, cost: 100 });
      ledger.trade({ id: 't4', order: '77', amount: 0.2, price: 100, fee: { cost: 0.0002, currency: 'BTC' } });
      ledger.trade({ id: 't4', order: '77', amount: 0.2, price: 100, fee: { cost: 0.0002, currency: 'BTC' } }); // again
      ledger.trade({ id: 't3', order: '77', amount: 0.2, price: 100, fee: { cost: 0.0002, currency: 'BTC' } }); // seen before the close
      expect(await h.value('trading.fees', { 'trading.asset': 'BTC' })).toBeCloseTo(0.0008, 12);
      expect(await h.value('trading.fees', { 'trading.asset': 'BNB' })).toBeCloseTo(0.01, 12);
      expect(h.telemetry.orders.find('c-1')?.stages.map((s) => s.stage)).toEqual(['created', 'sent', 'acknowledged', 'partially_filled', 'partially_filled', 'filled']);
    } finally {
      await h.shutdown();
    }
  });
});

describe('funding from fetchFundingHistory', () => {
  it("each payment of ccxt's answer counts once into trading.funding, however often the history is read", async () => {
    expect(planOf('fetchFundingHistory').result).toBe('funding');
    const h = metricsHarness();
    try {
      const ledger = new FundingLedger('binanceusdm', h.telemetry.portfolio);
      // ccxt's unified funding history entries (Binance USDⓈ-M income of type FUNDING_FEE).
      const history = [
        { info: {}, symbol: 'BTC/USDT:USDT', code: 'USDT', timestamp: 1_700_000_000_000, id: '1001', amount: -0.42 },
        { info: {}, symbol: 'BTC/USDT:USDT', code: 'USDT', timestamp: 1_700_028_800_000, id: '1002', amount: 0.1 },
        { info: {}, symbol: 'ETH/USDT:USDT', code: 'USDT', timestamp: 1_700_028_800_000, amount: -0.05 }, // no id
      ];
      for (const entry of history) ledger.payment(entry);
      for (const entry of history) ledger.payment(entry); // read again
      ledger.payment({ symbol: 'BTC/USDT:USDT', amount: Number.NaN });
      expect(await h.value('trading.funding', { 'trading.symbol': 'BTC/USDT:USDT' })).toBeCloseTo(-0.32, 12);
      expect(await h.value('trading.funding', { 'trading.symbol': 'ETH/USDT:USDT' })).toBeCloseTo(-0.05, 12);
    } finally {
      await h.shutdown();
    }
  });
});
