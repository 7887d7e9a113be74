import type { Logger } from 'pino';
import { type OrderTrace, type RejectReason, type TradingTelemetry, traced } from 'trading-telemetry';
import type { ClientMessage, ServerMessage } from '../simulated-exchange/protocol.js';
import type { Portfolio } from './portfolio.js';
import type { Signal } from './strategy.js';

/** Pre-trade limits. */
export interface RiskLimits {
  /** Largest absolute position per symbol, in quote currency. */
  readonly maxPositionNotional: number;
}

/**
 * Places orders and follows them to the end. Every order is one trace:
 * `telemetry.orders.track()` opens it, each step below adds its stage, and the exchange's
 * answers (which arrive on the WebSocket, outside the order's async context) find it again
 * by its client order id, which is also its correlation id.
 */
export class OrderManager {
  readonly #telemetry: TradingTelemetry;
  readonly #portfolio: Portfolio;
  readonly #log: Logger;
  readonly #exchange: string;
  readonly #limits: RiskLimits;
  /** Orders at the exchange, with the quantity still to fill (signed: + buy, − sell). */
  readonly #open = new Map<string, { order: OrderTrace; sentAt: number; unfilled: number }>();
  #send: ((message: ClientMessage) => boolean) | undefined;
  #nextId = 1;

  /** Sends the order to the exchange; traced, so the send shows as a span inside the order's trace. */
  readonly #transmit = traced('exchange.send_order', (message: ClientMessage): boolean => this.#send?.(message) ?? false);

  constructor(deps: { telemetry: TradingTelemetry; portfolio: Portfolio; log: Logger; exchange: string; limits: RiskLimits }) {
    this.#telemetry = deps.telemetry;
    this.#portfolio = deps.portfolio;
    this.#log = deps.log;
    this.#exchange = deps.exchange;
    this.#limits = deps.limits;
  }

  /** Orders sent and not yet finished. */
  get openOrders(): number {
    return this.#open.size;
  }

  /**
   * The position in `symbol` once every open order fills: what the strategy and the risk check
   * must judge. Fills arrive late when the exchange is slow; judging the booked position alone
   * would keep sending orders the earlier ones already cover, and overshoot the limits.
   */
  exposure(symbol: string): number {
    let unfilled = 0;
    for (const open of this.#open.values()) if (open.order.intent.symbol === symbol) unfilled += open.unfilled;
    return this.#portfolio.position(symbol) + unfilled;
  }

  /** Whether orders can go out now (a connection is open). */
  get connected(): boolean {
    return this.#send !== undefined;
  }

  /** Where to send orders: the live connection's `send`, or undefined while disconnected. */
  connect(send: ((message: ClientMessage) => boolean) | undefined): void {
    this.#send = send;
  }

  /** Places one order: risk check, send, and from then on the exchange's answers drive it. */
  place(signal: Signal): void {
    const clientOrderId = `bot-${process.pid}-${this.#nextId++}`;
    const order = this.#telemetry.orders.track({
      exchange: this.#exchange,
      symbol: signal.symbol,
      side: signal.side,
      orderType: 'limit',
      strategy: 'mean-reversion',
      quantity: signal.quantity,
      // Slippage is measured against the price the strategy saw, not the (aggressive) limit.
      price: signal.decisionPrice,
      clientOrderId,
    });
    order.run(() => {
      const problem = this.#riskProblem(signal);
      if (problem !== undefined) {
        order.rejected('risk_limit', problem);
        this.#log.warn({ symbol: signal.symbol, reason: problem }, 'order blocked by risk check');
        return;
      }
      order.riskChecked();
      const sent = this.#transmit({ type: 'place', clientOrderId, symbol: signal.symbol, side: signal.side, orderType: 'limit', quantity: signal.quantity, price: signal.price });
      if (!sent) {
        order.rejected('other', 'not connected to the exchange');
        return;
      }
      order.sent();
      this.#open.set(clientOrderId, { order, sentAt: Date.now(), unfilled: signal.side === 'buy' ? signal.quantity : -signal.quantity });
      this.#log.debug({ symbol: signal.symbol, side: signal.side, quantity: signal.quantity, price: signal.price }, 'order sent');
    });
  }

  /** Applies one exchange message about an order. Unknown ids are counted by the SDK, never thrown. */
  onExchangeMessage(message: ServerMessage): void {
    if (!('clientOrderId' in message)) return;
    const open = this.#open.get(message.clientOrderId);
    const orders = this.#telemetry.orders;
    switch (message.type) {
      case 'ack':
        orders.update(message.clientOrderId, { stage: 'acknowledged', exchangeOrderId: message.exchangeOrderId });
        break;
      case 'fill': {
        const final = message.remaining === 0;
        orders.update(message.clientOrderId, { stage: final ? 'filled' : 'partially_filled', quantity: message.quantity, price: message.price });
        if (open !== undefined) {
          open.unfilled = open.order.intent.side === 'buy' ? message.remaining : -message.remaining;
          this.#portfolio.onFill(open.order.intent.symbol, open.order.intent.side, message.quantity, message.price);
        }
        if (final) this.#finish(message.clientOrderId, 'filled');
        break;
      }
      case 'cancelled':
        orders.update(message.clientOrderId, { stage: 'cancelled' });
        this.#finish(message.clientOrderId, 'cancelled');
        break;
      case 'reject':
        orders.update(message.clientOrderId, { stage: 'rejected', reason: message.reason satisfies RejectReason, message: message.message });
        this.#finish(message.clientOrderId, `rejected: ${message.reason}`);
        break;
    }
  }

  /** Cancels orders resting longer than `maxAgeMillis`: a stale quote is a liability. */
  cancelStale(maxAgeMillis: number): void {
    const cutoff = Date.now() - maxAgeMillis;
    for (const [clientOrderId, { sentAt }] of this.#open) if (sentAt < cutoff) this.#send?.({ type: 'cancel', clientOrderId });
  }

  /** Asks the exchange to cancel every open order; resolves when all are finished or after `timeoutMillis`. */
  async cancelAll(timeoutMillis: number): Promise<number> {
    const count = this.#open.size;
    for (const clientOrderId of this.#open.keys()) this.#send?.({ type: 'cancel', clientOrderId });
    const deadline = Date.now() + timeoutMillis;
    while (this.#open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return count;
  }

  /**
   * The connection dropped: the exchange cancels every open order of a lost session
   * (cancel-on-disconnect), so the bot records them as cancelled rather than leaving them open.
   */
  onDisconnect(): void {
    for (const [clientOrderId, { order }] of this.#open) {
      order.run(() => this.#log.warn({ clientOrderId }, 'connection lost: order cancelled by the exchange (cancel-on-disconnect)'));
      order.cancelled();
    }
    this.#open.clear();
  }

  #finish(clientOrderId: string, outcome: string): void {
    const open = this.#open.get(clientOrderId);
    if (open === undefined) return;
    this.#open.delete(clientOrderId);
    open.order.run(() => this.#log.info({ outcome, symbol: open.order.intent.symbol }, 'order finished'));
  }

  #riskProblem(signal: Signal): string | undefined {
    const after = this.exposure(signal.symbol) + (signal.side === 'buy' ? signal.quantity : -signal.quantity);
    const notional = Math.abs(after) * signal.price;
    return notional > this.#limits.maxPositionNotional
      ? `position would be ${notional.toFixed(0)} USD, limit ${this.#limits.maxPositionNotional}`
      : undefined;
  }
}
