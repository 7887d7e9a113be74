import type { Logger } from 'pino';
import type { Exchange } from './exchange.js';
import type { Portfolio } from './portfolio.js';
import type { Signal } from './strategy.js';

/** Pre-trade limits. */
export interface RiskLimits {
  /** Largest absolute position per symbol, in quote currency. */
  readonly maxPositionNotional: number;
}

/** An order at the exchange that may still fill. */
interface OpenOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  /** Quantity still to fill. */
  remaining: number;
  readonly placedAt: number;
}

/** The fields of a ccxt order the bot reads. */
type OrderUpdate = Awaited<ReturnType<Exchange['createOrder']>>;
/** The fields of a ccxt trade the bot reads. */
type TradeUpdate = Awaited<ReturnType<Exchange['watchMyTrades']>>[number];

/** Ids remembered (finished orders, booked trades) so a late or repeated answer changes nothing. */
const REMEMBERED = 5_000;

function remember(ids: Set<string>, id: string): void {
  ids.add(id);
  if (ids.size > REMEMBERED) for (const old of ids) if (ids.delete(old) && ids.size <= REMEMBERED) break;
}

/**
 * Places the strategy's orders through ccxt and keeps the book of what is out: open orders (for
 * the exposure the risk check and the strategy judge, and for cancelling stale quotes) and
 * fills (for the portfolio). There is no telemetry here: the instrumented exchange traces each
 * order from `createOrder` to its end.
 */
export class OrderManager {
  readonly #exchange: Exchange;
  readonly #portfolio: Portfolio;
  readonly #log: Logger;
  readonly #limits: RiskLimits;
  /** Open orders by exchange order id. */
  readonly #open = new Map<string, OpenOrder>();
  /** Orders sent and not answered yet: signed quantity per symbol. */
  readonly #inFlight = new Map<string, number>();
  readonly #finished = new Set<string>();
  readonly #booked = new Set<string>();
  readonly #sending = new Set<Promise<unknown>>();
  /** Orders a cancel is out for. */
  readonly #cancelling = new Set<string>();

  constructor(deps: { exchange: Exchange; portfolio: Portfolio; log: Logger; limits: RiskLimits }) {
    this.#exchange = deps.exchange;
    this.#portfolio = deps.portfolio;
    this.#log = deps.log;
    this.#limits = deps.limits;
  }

  /** Orders resting at the exchange. */
  get openOrders(): number {
    return this.#open.size;
  }

  /**
   * The position in `symbol` once every open and in-flight order fills: what the strategy and the
   * risk check must judge. Fills arrive late when the exchange is slow; judging the booked
   * position alone would keep sending orders the earlier ones already cover.
   */
  exposure(symbol: string): number {
    let unfilled = this.#inFlight.get(symbol) ?? 0;
    for (const order of this.#open.values()) if (order.symbol === symbol) unfilled += order.side === 'buy' ? order.remaining : -order.remaining;
    return this.#portfolio.position(symbol) + unfilled;
  }

  /** Places one limit order, unless the risk check blocks it. */
  place(signal: Signal): void {
    const problem = this.#riskProblem(signal);
    if (problem !== undefined) {
      this.#log.warn({ symbol: signal.symbol, reason: problem }, 'order blocked by risk check');
      return;
    }
    const amount = Number(this.#exchange.amountToPrecision(signal.symbol, signal.quantity));
    const price = Number(this.#exchange.priceToPrecision(signal.symbol, signal.price));
    const signed = signal.side === 'buy' ? amount : -amount;
    this.#inFlight.set(signal.symbol, (this.#inFlight.get(signal.symbol) ?? 0) + signed);
    const sending = this.#exchange
      .createOrder(signal.symbol, 'limit', signal.side, amount, price)
      .then(
        (order) => this.onOrders([order]),
        (error: unknown) => this.#log.warn({ symbol: signal.symbol, errorClass: (error as Error).name, error: (error as Error).message }, 'order rejected'),
      )
      .finally(() => {
        this.#inFlight.set(signal.symbol, (this.#inFlight.get(signal.symbol) ?? 0) - signed);
        this.#sending.delete(sending);
      });
    this.#sending.add(sending);
  }

  /** Applies order answers (a createOrder response, watchOrders updates): what rests, what ended, and fills the answer carries. */
  onOrders(orders: readonly OrderUpdate[]): void {
    for (const order of orders) {
      // The fills of an order answer do not repeat the order's side.
      if (order.trades.length > 0) this.onTrades(order.trades.map((trade) => ({ ...trade, side: trade.side ?? order.side, symbol: trade.symbol ?? order.symbol })));
      const id = order.id;
      if (id === undefined || this.#finished.has(id)) continue;
      if (order.status === 'open') {
        const known = this.#open.get(id);
        const remaining = order.remaining ?? (order.amount ?? 0) - (order.filled ?? 0);
        // Answers can arrive out of order: what remains only ever shrinks.
        if (known !== undefined) known.remaining = Math.min(known.remaining, remaining);
        else this.#open.set(id, { clientOrderId: order.clientOrderId ?? id, symbol: order.symbol ?? '', side: order.side === 'sell' ? 'sell' : 'buy', remaining, placedAt: Date.now() });
        continue;
      }
      const open = this.#open.get(id);
      this.#open.delete(id);
      remember(this.#finished, id);
      // The order's correlation id: its trace in Jaeger, its row on the dashboard.
      this.#log.info({ correlation_id: open?.clientOrderId ?? order.clientOrderId, symbol: order.symbol, outcome: order.status }, 'order finished');
    }
  }

  /** Books executions (watchMyTrades, or those a response carries), each once. */
  onTrades(trades: readonly TradeUpdate[]): void {
    for (const trade of trades) {
      const id = trade.id;
      const side = trade.side;
      if (id === undefined || this.#booked.has(id) || trade.amount === undefined || trade.price === undefined || (side !== 'buy' && side !== 'sell')) continue;
      remember(this.#booked, id);
      this.#portfolio.onFill(trade.symbol ?? '', side, trade.amount, trade.price, trade.fee);
    }
  }

  /** Cancels orders resting `maxAgeMillis` or longer (0: every resting order): a stale quote is a liability. */
  cancelStale(maxAgeMillis: number): void {
    const cutoff = Date.now() - maxAgeMillis;
    for (const [id, order] of this.#open) {
      if (order.placedAt > cutoff || this.#cancelling.has(id)) continue;
      this.#cancelling.add(id);
      this.#exchange
        .cancelOrder(id, order.symbol)
        .then(
          (cancelled) => this.onOrders([cancelled]),
          // Gone already: it ended while its news was lost (a silent or dropped stream). An
          // unreachable exchange: the next round tries again.
          (error: unknown) => ((error as Error).name === 'OrderNotFound' ? this.#reconcile(id, order.symbol) : undefined),
        )
        .finally(() => this.#cancelling.delete(id));
    }
  }

  /** Cancels every open order (after the in-flight ones are answered); resolves with how many, within `timeoutMillis`. */
  async cancelAll(timeoutMillis: number): Promise<number> {
    const deadline = new Promise((resolve) => setTimeout(resolve, timeoutMillis).unref());
    await Promise.race([Promise.allSettled([...this.#sending]), deadline]);
    const count = this.#open.size;
    const symbols = new Set([...this.#open.values()].map((order) => order.symbol));
    const cancelling = [...symbols].map((symbol) =>
      this.#exchange.cancelAllOrders(symbol).then(
        (cancelled) => this.onOrders(cancelled),
        (error: unknown) => this.#log.warn({ symbol, errorClass: (error as Error).name }, 'cancelling open orders failed'),
      ),
    );
    await Promise.race([Promise.allSettled(cancelling), deadline]);
    return count;
  }

  /** Asks the exchange how an order ended, and which fills it had, when its updates never arrived. */
  async #reconcile(id: string, symbol: string): Promise<void> {
    try {
      const order = await this.#exchange.fetchOrder(id, symbol);
      this.onOrders([order]);
      if ((order.filled ?? 0) > 0) this.onTrades((await this.#exchange.fetchOrderTrades(id, symbol)).map((trade) => ({ ...trade, side: trade.side ?? order.side })));
    } catch (error) {
      this.#log.warn({ symbol, errorClass: (error as Error).name }, 'reconciling an order failed; the next round tries again');
    }
  }

  /**
   * Why the order must not go out, if it must not: it would take the exposure past the limit.
   * An order that shrinks the exposure always may, or a position that ended past the limit (a
   * price move, a fill that came late) could never be brought back under it.
   */
  #riskProblem(signal: Signal): string | undefined {
    const before = this.exposure(signal.symbol);
    const after = before + (signal.side === 'buy' ? signal.quantity : -signal.quantity);
    if (Math.abs(after) < Math.abs(before)) return undefined;
    const notional = Math.abs(after) * signal.price;
    return notional > this.#limits.maxPositionNotional
      ? `position would be ${notional.toFixed(0)} USDT, limit ${this.#limits.maxPositionNotional}`
      : undefined;
  }
}
