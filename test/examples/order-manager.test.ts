import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientMessage } from '../../examples/simulated-exchange/protocol.js';
import { OrderManager } from '../../examples/trading-bot/order-manager.js';
import { Portfolio } from '../../examples/trading-bot/portfolio.js';
import type { Signal } from '../../examples/trading-bot/strategy.js';
import { type MetricsHarness, metricsHarness } from '../support/metric-collector.js';

const buy = (quantity: number): Signal => ({ symbol: 'BTC-USD', side: 'buy', quantity, price: 100, decisionPrice: 100 });

describe('example bot order manager', () => {
  let h: MetricsHarness;
  afterEach(async () => h.shutdown());

  function manager(): { orders: OrderManager; book: Portfolio; sent: Extract<ClientMessage, { type: 'place' }>[] } {
    h = metricsHarness();
    const book = new Portfolio(h.telemetry, 'sim', 'test', 1_000_000);
    const orders = new OrderManager({ telemetry: h.telemetry, portfolio: book, log: pino({ enabled: false }), exchange: 'sim', limits: { maxPositionNotional: 60_000 } });
    const sent: Extract<ClientMessage, { type: 'place' }>[] = [];
    orders.connect((message) => {
      if (message.type === 'place') sent.push(message);
      return true;
    });
    return { orders, book, sent };
  }

  it('judges risk on the position once open orders fill, so a slow exchange cannot make it overshoot', () => {
    const { orders, book, sent } = manager();
    orders.place(buy(300));
    orders.place(buy(300));
    expect(orders.exposure('BTC-USD')).toBe(600); // nothing filled yet: the booked position is still 0
    orders.place(buy(300)); // 90,000 USD once all fill: over the 60,000 limit
    expect(sent).toHaveLength(2);
    expect(h.telemetry.snapshot().orders.rejected).toBe(1);

    const [first, second] = sent;
    orders.onExchangeMessage({ type: 'fill', clientOrderId: first?.clientOrderId ?? '', exchangeOrderId: 'SIM-1', quantity: 100, price: 100, remaining: 200, ts: Date.now() });
    expect(book.position('BTC-USD')).toBe(100);
    expect(orders.exposure('BTC-USD')).toBe(600); // a partial fill moves quantity from open to booked
    orders.onExchangeMessage({ type: 'cancelled', clientOrderId: second?.clientOrderId ?? '', ts: Date.now() });
    expect(orders.exposure('BTC-USD')).toBe(300); // a cancel takes its unfilled quantity away
    orders.place(buy(300));
    expect(sent).toHaveLength(3);
  });

  it('says whether orders can go out (the bot places none while it cannot)', () => {
    const { orders } = manager();
    expect(orders.connected).toBe(true);
    orders.connect(undefined);
    expect(orders.connected).toBe(false);
  });
});
