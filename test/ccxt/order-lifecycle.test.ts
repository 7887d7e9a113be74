import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProBinance } from '../support/binance-simulator.js';
import { rejection, until } from '../support/binance-simulator.js';
import { InstrumentedBinance } from '../support/instrumented-binance.js';
import type { ReceivedSpan } from '../support/otlp-receiver.js';

const SYMBOL = 'BTC/USDT';

/** The exported spans of one order's trace, found by its correlation id once its lifecycle span has ended. */
async function orderTrace(env: InstrumentedBinance, correlationId: string): Promise<{ lifecycle: ReceivedSpan; children: (parent: ReceivedSpan) => ReceivedSpan[] }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const spans = await env.spans();
    const lifecycle = spans.find((s) => s.name === 'order.lifecycle' && s.attributes['trading.correlation_id'] === correlationId);
    if (lifecycle !== undefined) return { lifecycle, children: (parent) => spans.filter((s) => s.parentSpanId === parent.spanId) };
    if (Date.now() > deadline) throw new Error(`no lifecycle span for ${correlationId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function eventNames(span: ReceivedSpan): string[] {
  return span.events.map((e) => e.name);
}

describe('instrumentExchange: each order is one trace, from createOrder to its end, with no lifecycle code', () => {
  let env: InstrumentedBinance;
  let exchange: ProBinance;

  beforeAll(async () => {
    // Every order's trace: the default policy keeps all of them only below 1 order/s over the last
    // minute, and the partial-fill test places a dozen orders in a few seconds.
    env = await InstrumentedBinance.start({ orders: { keep: 'all' } });
    exchange = env.client();
    await exchange.loadMarkets();
  });
  afterAll(async () => env.close());

  const price = (value: number): number => Number(exchange.priceToPrecision(SYMBOL, value));
  const top = async (): Promise<{ bid: number; ask: number }> => {
    const book = await exchange.fetchOrderBook(SYMBOL, 5);
    return { bid: book.bids[0]?.[0] ?? 0, ask: book.asks[0]?.[0] ?? 0 };
  };

  it('a filled order: order.lifecycle → ccxt.createOrder → POST /api/v3/order, stages sent, acknowledged, filled', async () => {
    const order = await exchange.createOrder(SYMBOL, 'market', 'buy', 0.01);
    expect(order.status).toBe('closed');
    // The instrumentation set the client order id; it is the correlation id.
    expect(order.clientOrderId).toMatch(/^[0-9a-f]{32}$/);
    const { lifecycle, children } = await orderTrace(env, order.clientOrderId ?? '');
    expect(lifecycle.attributes).toMatchObject({
      'trading.exchange': 'binance',
      'trading.symbol': SYMBOL,
      'trading.side': 'buy',
      'trading.order.type': 'market',
      'trading.order.status': 'filled',
      'trading.order.filled_quantity': 0.01,
      'trading.order.exchange_id': order.id,
    });
    expect(eventNames(lifecycle)).toEqual(['order.sent', 'order.acknowledged', 'order.filled']);
    expect(lifecycle.events[2]?.attributes['trading.fill.price']).toBeCloseTo(order.average ?? 0, 6);

    const [call, ...others] = children(lifecycle);
    expect(others).toEqual([]);
    expect(call?.name).toBe('ccxt.createOrder');
    expect(call?.attributes).toMatchObject({ 'trading.exchange': 'binance', 'trading.exchange.method': 'createOrder', 'trading.symbol': SYMBOL, 'trading.side': 'buy', 'trading.order.type': 'market', 'trading.correlation_id': order.clientOrderId });
    const requests = children(call as ReceivedSpan);
    expect(requests.map((s) => s.name)).toEqual(['POST /api/v3/order']);
    expect(requests[0]?.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.template': '/api/v3/order', 'http.response.status_code': 200, 'server.address': '127.0.0.1' });
    expect(JSON.stringify(requests[0]?.attributes)).not.toMatch(/signature|timestamp=|recvWindow/);
  });

  it('a placed order rests acknowledged; cancelling it ends it cancelled, the cancel inside its trace', async () => {
    const { bid } = await top();
    const order = await exchange.createOrder(SYMBOL, 'limit', 'buy', 0.01, price(bid * 0.97));
    expect(order.status).toBe('open');
    const placed = env.handle.telemetry.orders.find(order.clientOrderId ?? '');
    expect(placed).toMatchObject({ stage: 'acknowledged', done: false, exchangeOrderId: order.id });
    expect(placed?.stages.map((s) => s.stage)).toEqual(['created', 'sent', 'acknowledged']);

    await exchange.cancelOrder(order.id ?? '', SYMBOL);
    const { lifecycle, children } = await orderTrace(env, order.clientOrderId ?? '');
    expect(lifecycle.attributes['trading.order.status']).toBe('cancelled');
    expect(eventNames(lifecycle)).toEqual(['order.sent', 'order.acknowledged', 'order.cancelled']);
    const calls = children(lifecycle);
    expect(calls.map((s) => s.name).sort()).toEqual(['ccxt.cancelOrder', 'ccxt.createOrder']);
    const cancel = calls.find((s) => s.name === 'ccxt.cancelOrder') as ReceivedSpan;
    expect(cancel.attributes).toMatchObject({ 'trading.order.exchange_id': order.id, 'trading.correlation_id': order.clientOrderId });
    expect(children(cancel).map((s) => s.name)).toEqual(['DELETE /api/v3/order']);
  });

  it('a partially filled order: the part the book holds fills at once, the rest as watchOrders reports it', async () => {
    const orders: unknown[] = [];
    const stop = new AbortController();
    const watcher = (async () => {
      while (!stop.signal.aborted) orders.push(...(await exchange.watchOrders(SYMBOL).catch(() => [])));
    })();
    try {
      await until(() => Object.keys(exchange.clients).some((url) => url.includes('/ws-api/')), 'the user-data subscription');
      // Part fills at once, the rest once resting orders fill again. Until then the rest waits:
      // else a tick (every 20 ms) can fill it, and the stream report it, before the response's
      // partial fill is read (one CI run on Node 24).
      await env.simulator.control('fills', { resting: 'false' });
      const { order, amount } = await env.simulator.placePartialBuy(exchange, SYMBOL);
      expect(order.filled).toBeLessThan(amount);
      await env.simulator.control('fills'); // the book moves on, and fills the rest

      const done = await until(() => env.handle.telemetry.orders.find(order.clientOrderId ?? '')?.done, 'the order to fill', 15_000);
      expect(done).toBe(true);
      const { lifecycle } = await orderTrace(env, order.clientOrderId ?? '');
      expect(lifecycle.attributes).toMatchObject({ 'trading.order.status': 'filled' });
      expect(lifecycle.attributes['trading.order.filled_quantity']).toBeCloseTo(amount, 8);
      const names = eventNames(lifecycle);
      expect(names.slice(0, 3)).toEqual(['order.sent', 'order.acknowledged', 'order.partially_filled']);
      expect(names.at(-1)).toBe('order.filled');
      const fills = lifecycle.events.filter((e) => e.name === 'order.partially_filled' || e.name === 'order.filled');
      const filled = fills.reduce((sum, e) => sum + Number(e.attributes['trading.fill.quantity'] ?? 0), 0);
      expect(filled).toBeCloseTo(amount, 8);
    } finally {
      await env.simulator.control('fills');
      // The loop ends with its next update (or when the client closes).
      stop.abort();
    }
    await Promise.race([watcher, new Promise((resolve) => setTimeout(resolve, 200))]);
  });

  it('a rejected order: InsufficientFunds → rejected(insufficient_balance), ERROR on the lifecycle, the call and the request', async () => {
    const { ask } = await top();
    const error = await rejection(exchange.createOrder(SYMBOL, 'limit', 'buy', 25, price(ask)));
    expect(error.name).toBe('InsufficientFunds');
    const rejected = env.handle.telemetry.orders.recent(5).find((o) => o.rejectReason !== null);
    expect(rejected).toMatchObject({ stage: 'rejected', rejectReason: 'insufficient_balance', error: 'binance Account has insufficient balance for requested action.' });
    const { lifecycle, children } = await orderTrace(env, rejected?.correlationId ?? '');
    expect(lifecycle.status.code).toBe(2);
    expect(lifecycle.attributes).toMatchObject({ 'trading.order.status': 'rejected', 'trading.reject_reason': 'insufficient_balance' });
    expect(eventNames(lifecycle)).toEqual(['order.sent', 'order.rejected']);
    const [call] = children(lifecycle);
    expect(call?.status.code).toBe(2);
    expect(call?.attributes['error.type']).toBe('InsufficientFunds');
    expect(call?.events.map((e) => [e.name, e.attributes['exception.type']])).toEqual([['exception', 'InsufficientFunds']]);
    const [request] = children(call as ReceivedSpan);
    expect(request?.attributes).toMatchObject({ 'http.response.status_code': 400, 'error.type': '400' });
  });

  it("the caller's own client order id is the correlation id, and is sent as given", async () => {
    const order = await exchange.createOrder(SYMBOL, 'market', 'sell', 0.01, undefined, { clientOrderId: 'bot-7-42' });
    expect(order.clientOrderId).toBe('bot-7-42');
    expect(env.handle.telemetry.orders.find('bot-7-42')).toMatchObject({ stage: 'filled', done: true, side: 'sell' });
  });
});
