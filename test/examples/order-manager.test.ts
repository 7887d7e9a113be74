import { pino } from 'pino';
import { createTradingTelemetry } from 'trading-telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderManager } from '../../examples/trading-bot/order-manager.js';
import { Portfolio } from '../../examples/trading-bot/portfolio.js';
import type { Signal } from '../../examples/trading-bot/strategy.js';
import { BinanceSimulator, type ProBinance, until } from '../support/binance-simulator.js';

const SYMBOL = 'BTC/USDT';

/** The example bot's order book keeping, with the real ccxt.pro binance against the simulator. */
describe('example bot: OrderManager', () => {
  let simulator: BinanceSimulator;
  let exchange: ProBinance;
  let orders: OrderManager;
  let book: Portfolio;
  let telemetry: ReturnType<typeof createTradingTelemetry>;

  beforeAll(async () => {
    simulator = await BinanceSimulator.start();
    exchange = simulator.client();
    await exchange.loadMarkets();
    telemetry = createTradingTelemetry();
    book = new Portfolio(telemetry, 'binance', 'test', 1_000_000);
    orders = new OrderManager({ exchange, portfolio: book, log: pino({ enabled: false }), limits: { maxPositionNotional: 60_000 } });
  });
  afterAll(async () => simulator.close());

  const top = async (): Promise<{ bid: number; ask: number }> => {
    const depth = await exchange.fetchOrderBook(SYMBOL, 5);
    return { bid: depth.bids[0]?.[0] ?? 0, ask: depth.asks[0]?.[0] ?? 0 };
  };
  const signal = (side: 'buy' | 'sell', quantity: number, price: number): Signal => ({ symbol: SYMBOL, side, quantity, price, decisionPrice: price });

  it('exposure counts an order from the moment it is sent, and what rests of it until it is cancelled', async () => {
    const { bid } = await top();
    orders.place(signal('buy', 0.1, bid * 0.97));
    expect(orders.exposure(SYMBOL)).toBeCloseTo(0.1, 10); // in flight: nothing booked, nothing answered yet
    await until(() => orders.openOrders === 1, 'the order to rest');
    expect(orders.exposure(SYMBOL)).toBeCloseTo(0.1, 10);
    orders.cancelStale(0);
    await until(() => orders.openOrders === 0, 'the cancel');
    expect(orders.exposure(SYMBOL)).toBe(0);
  });

  it('the risk check blocks an order that would take the exposure past the limit', async () => {
    const { ask } = await top();
    orders.place(signal('buy', 2, ask)); // about 100,000 USDT against a 60,000 limit
    expect(orders.exposure(SYMBOL)).toBe(0);
  });

  it('the risk check lets an order through that brings an exposure past the limit back towards it', async () => {
    // A position already past the limit (the price rose, or fills came in late): a book of its own.
    const over = new Portfolio(telemetry, 'binance', 'over-limit', 1_000_000);
    const manager = new OrderManager({ exchange, portfolio: over, log: pino({ enabled: false }), limits: { maxPositionNotional: 60_000 } });
    const { ask } = await top();
    over.onFill(SYMBOL, 'buy', 2, ask); // about 100,000 USDT against a 60,000 limit
    manager.place(signal('buy', 0.1, ask));
    expect(manager.exposure(SYMBOL)).toBe(2); // growing it further: blocked
    manager.place(signal('sell', 0.1, ask * 1.05)); // resting well above the touch, so it does not fill
    expect(manager.exposure(SYMBOL)).toBeCloseTo(1.9, 10); // reducing it: sent
    await manager.cancelAll(5_000);
  });

  it('a fill the order response and watchMyTrades both report is booked once, its fee with it', async () => {
    const trades = exchange.watchMyTrades();
    await until(() => Number(simulator.exchange.binance.state().userDataSubscriptions) >= 1, 'the user-data subscription');
    const { ask } = await top();
    // 1 % through the touch: the book may move between the look and the order, and a partial fill
    // leaves a rest that never fills.
    orders.place(signal('buy', 0.05, ask * 1.01));
    orders.onTrades(await trades);
    // Booked from the first of the two reports, and nothing left in flight once the response is in.
    await until(() => book.position(SYMBOL) > 0 && orders.exposure(SYMBOL) === book.position(SYMBOL), 'the fill', 15_000).catch((error: unknown) => {
      throw new Error(`${String(error)}: position ${book.position(SYMBOL)}, exposure ${orders.exposure(SYMBOL)}, open orders ${orders.openOrders}`);
    });
    orders.onTrades(await exchange.fetchMyTrades(SYMBOL));
    expect(book.position(SYMBOL)).toBeCloseTo(0.05, 10);
    // The simulator charges Binance's 0.1 % taker fee, in the asset received (BTC on a buy),
    // valued at the fill price: about 0.1 % of the notional, once, and out of the realized P&L.
    // It may fill over more than one level: each is a trade.
    const notional = (await exchange.fetchMyTrades(SYMBOL)).reduce((sum, trade) => sum + (trade.amount ?? 0) * (trade.price ?? 0), 0);
    const { pnl } = telemetry.snapshot();
    expect(pnl.fees).toBeCloseTo(notional * 0.001, 6);
    expect(pnl.realizedNet).toBeCloseTo(pnl.realized - pnl.fees, 9);
  });
});
