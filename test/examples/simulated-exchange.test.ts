import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClientMessage, ServerMessage } from '../../examples/simulated-exchange/protocol.js';
import { SimulatedExchange } from '../../examples/simulated-exchange/simulated-exchange.js';
import { messageText } from '../../src/connections/exchange-feed.js';

/** A protocol client that records every message it receives. */
class Client {
  readonly messages: ServerMessage[] = [];
  readonly socket: WebSocket;
  constructor(url: string) {
    this.socket = new WebSocket(`${url}/ws`);
    this.socket.on('message', (data) => this.messages.push(JSON.parse(messageText(data)) as ServerMessage));
  }
  opened(): Promise<void> {
    return new Promise((resolve) => this.socket.once('open', () => resolve()));
  }
  send(message: ClientMessage): void {
    this.socket.send(JSON.stringify(message));
  }
  async next<T extends ServerMessage['type']>(type: T, match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true, timeoutMillis = 5000): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMillis;
    for (;;) {
      const found = this.messages.find((m): m is Extract<ServerMessage, { type: T }> => m.type === type && match(m as Extract<ServerMessage, { type: T }>));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMillis} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  forOrder(clientOrderId: string): ServerMessage[] {
    return this.messages.filter((m) => 'clientOrderId' in m && m.clientOrderId === clientOrderId);
  }
}

describe('simulated exchange', () => {
  let exchange: SimulatedExchange;
  let client: Client;
  let url: string;
  beforeEach(async () => {
    exchange = new SimulatedExchange({ seed: 7, tickIntervalMillis: 20, limits: { maxOrdersPerSecond: 20 } });
    url = await exchange.start();
    client = new Client(url);
    await client.opened();
  });
  afterEach(async () => {
    client.socket.terminate();
    await exchange.stop();
  });

  const mid = async (symbol = 'BTC-USD'): Promise<number> => (await client.next('tick', (t) => t.symbol === symbol)).price;

  it('streams ticks for every symbol with sequence numbers and exchange timestamps', async () => {
    await client.next('hello');
    for (const symbol of ['BTC-USD', 'ETH-USD', 'SOL-USD']) await client.next('tick', (t) => t.symbol === symbol);
    const ticks = client.messages.filter((m): m is Extract<ServerMessage, { type: 'tick' }> => m.type === 'tick');
    expect(ticks.every((t, i) => i === 0 || t.seq > (ticks[i - 1]?.seq ?? 0))).toBe(true);
    expect(ticks.every((t) => t.bid < t.ask && Math.abs(Date.now() - t.ts) < 5000)).toBe(true);
  });

  it('acknowledges, then fills a marketable order (possibly in parts), never above the limit', async () => {
    const price = (await mid()) * 1.01;
    client.send({ type: 'place', clientOrderId: 'b1', symbol: 'BTC-USD', side: 'buy', orderType: 'limit', quantity: 2, price });
    const ack = await client.next('ack', (m) => m.clientOrderId === 'b1');
    await client.next('fill', (m) => m.clientOrderId === 'b1' && m.remaining === 0);
    const events = client.forOrder('b1');
    expect(events[0]).toEqual(ack);
    const fills = events.filter((m): m is Extract<ServerMessage, { type: 'fill' }> => m.type === 'fill');
    expect(fills.reduce((sum, f) => sum + f.quantity, 0)).toBeCloseTo(2, 9);
    expect(fills.every((f) => f.price <= price && f.exchangeOrderId === ack.exchangeOrderId)).toBe(true);
  });

  it('rests a passive order until cancelled', async () => {
    const price = (await mid()) * 0.97;
    client.send({ type: 'place', clientOrderId: 'p1', symbol: 'BTC-USD', side: 'buy', orderType: 'limit', quantity: 1, price });
    await client.next('ack', (m) => m.clientOrderId === 'p1');
    client.send({ type: 'cancel', clientOrderId: 'p1' });
    await client.next('cancelled', (m) => m.clientOrderId === 'p1');
    expect(client.forOrder('p1').map((m) => m.type)).toEqual(['ack', 'cancelled']);
  });

  it('produces partial fills over a run of orders', async () => {
    const price = (await mid()) * 1.01;
    for (let i = 0; i < 10; i++) client.send({ type: 'place', clientOrderId: `pf${i}`, symbol: 'BTC-USD', side: 'buy', orderType: 'limit', quantity: 1, price });
    await client.next('fill', (m) => m.clientOrderId === 'pf9' && m.remaining === 0);
    expect(client.messages.some((m) => m.type === 'fill' && m.remaining > 0)).toBe(true);
  });

  it.each([
    ['unknown_symbol', { symbol: 'DOGE-USD', price: 1 }],
    ['price_out_of_band', { price: 1 }],
    ['insufficient_balance', { quantity: 1000 }],
    ['invalid_order', { quantity: -1 }],
  ] as const)('rejects with %s', async (reason, override) => {
    const price = await mid();
    client.send({ type: 'place', clientOrderId: `r-${reason}`, symbol: 'BTC-USD', side: 'buy', orderType: 'limit', quantity: 1, price, ...override });
    const reject = await client.next('reject', (m) => m.clientOrderId === `r-${reason}`);
    expect(reject.reason).toBe(reason);
    expect(reject.message.length).toBeGreaterThan(0);
  });

  it('rate-limits bursts beyond the allowed order rate', async () => {
    const price = (await mid()) * 0.97;
    for (let i = 0; i < 60; i++) client.send({ type: 'place', clientOrderId: `rl${i}`, symbol: 'BTC-USD', side: 'buy', orderType: 'limit', quantity: 0.01, price });
    await client.next('reject', (m) => m.reason === 'rate_limited');
  });

  it('fault: a reject burst rejects the next N orders with the injected reason, then recovers', async () => {
    await fetch(`${url.replace('ws:', 'http:')}/control/reject-burst?count=2&reason=insufficient_balance`, { method: 'POST' });
    const price = (await mid()) * 0.97;
    for (const id of ['x1', 'x2', 'x3']) client.send({ type: 'place', clientOrderId: id, symbol: 'BTC-USD', side: 'buy', orderType: 'limit', quantity: 0.01, price });
    expect((await client.next('reject', (m) => m.clientOrderId === 'x1')).reason).toBe('insufficient_balance');
    expect((await client.next('reject', (m) => m.clientOrderId === 'x2')).reason).toBe('insufficient_balance');
    await client.next('ack', (m) => m.clientOrderId === 'x3');
  });

  it('fault: stop filling, then fill again', async () => {
    exchange.faults.fillsEnabled = false;
    const price = (await mid()) * 1.01;
    client.send({ type: 'place', clientOrderId: 'nf', symbol: 'BTC-USD', side: 'buy', orderType: 'limit', quantity: 0.1, price });
    await client.next('ack', (m) => m.clientOrderId === 'nf');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.forOrder('nf').map((m) => m.type)).toEqual(['ack']);
    exchange.faults.fillsEnabled = true;
    await client.next('fill', (m) => m.clientOrderId === 'nf' && m.remaining === 0);
  });

  it('fault: added latency delays order responses by at least that much', async () => {
    exchange.faults.extraLatencyMillis = 300;
    const price = (await mid()) * 0.97;
    const sentAt = Date.now();
    client.send({ type: 'place', clientOrderId: 'slow', symbol: 'BTC-USD', side: 'buy', orderType: 'limit', quantity: 0.01, price });
    await client.next('ack', (m) => m.clientOrderId === 'slow');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(300);
  });

  it('fault: silence stops every message without closing, then data resumes', async () => {
    await fetch(`${url.replace('ws:', 'http:')}/control/silence?millis=300`, { method: 'POST' });
    const before = client.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.messages.length).toBe(before);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(client.messages.length).toBeGreaterThan(before);
  });

  it('fault: drop closes every connection; the control API reports state', async () => {
    const closed = new Promise((resolve) => client.socket.once('close', resolve));
    const state = (await (await fetch(`${url.replace('ws:', 'http:')}/control/drop`, { method: 'POST' })).json()) as { connections: number };
    await closed;
    expect(state.connections).toBeGreaterThanOrEqual(0);
    const after = (await (await fetch(`${url.replace('ws:', 'http:')}/control/state`)).json()) as { connections: number; faults: object };
    expect(after.connections).toBe(0);
    expect(after.faults).toMatchObject({ fillsEnabled: true, extraLatencyMillis: 0 });
  });
});
