import ccxt from 'ccxt';
import { DEFAULT_API_CREDENTIALS } from '../../examples/simulated-exchange/binance/binance-venue.js';
import { binanceSimulatorOptions } from '../../examples/simulated-exchange/ccxt-urls.js';
import { SimulatedExchange, type SimulatedExchangeOptions } from '../../examples/simulated-exchange/simulated-exchange.js';

/** A real `ccxt.pro.binance` instance (REST and WebSocket). */
export type ProBinance = InstanceType<typeof ccxt.pro.binance>;

/** An order as ccxt answers it. */
export type CcxtOrder = Awaited<ReturnType<ProBinance['createOrder']>>;

/** The simulated exchange on a free port, and real ccxt clients pointed at it. */
export class BinanceSimulator {
  readonly exchange: SimulatedExchange;
  readonly #clients: ProBinance[] = [];

  private constructor(exchange: SimulatedExchange) {
    this.exchange = exchange;
  }

  static async start(options: SimulatedExchangeOptions = {}): Promise<BinanceSimulator> {
    const exchange = new SimulatedExchange({ seed: 11, tickIntervalMillis: 20, latency: { baseMillis: 1, jitterMeanMillis: 1 }, ...options });
    await exchange.start();
    return new BinanceSimulator(exchange);
  }

  /** A ccxt client with the simulator's key pair unless overridden; closed by {@link close}. */
  client(config: { apiKey?: string; secret?: string; timeout?: number; enableRateLimit?: boolean; rateLimit?: number; tokenBucket?: Record<string, number>; options?: Record<string, unknown> } = {}): ProBinance {
    const client = new ccxt.pro.binance({ ...DEFAULT_API_CREDENTIALS, ...binanceSimulatorOptions(this.exchange.httpUrl), ...config });
    this.#clients.push(client);
    return client;
  }

  /** POSTs to the control API (`/control/<name>`). */
  async control(name: string, params: Record<string, string | number> = {}): Promise<void> {
    const query = new URLSearchParams(Object.entries(params).map(([key, value]) => [key, String(value)]));
    const response = await fetch(`${this.exchange.httpUrl}/control/${name}?${query.toString()}`, { method: 'POST' });
    if (response.status !== 200) throw new Error(`control ${name}: ${response.status} ${await response.text()}`);
  }

  /**
   * Places a limit buy of `symbol` for twice what the ask levels up to `through` × the touch
   * hold, on a frozen market (`/control/market?frozen=true`) so that the book read is the book
   * the order meets: it takes those levels at once and the rest rests. Returns the order and its
   * amount. Pause resting fills first (`/control/fills?resting=false`), or the rest can fill as
   * soon as the market moves again, before the answer is read.
   */
  async placePartialBuy(exchange: ProBinance, symbol: string, through = 1.0004): Promise<{ order: CcxtOrder; amount: number }> {
    await this.control('market', { frozen: 'true' });
    try {
      const book = await exchange.fetchOrderBook(symbol, 20);
      const limit = Number(exchange.priceToPrecision(symbol, (book.asks[0]?.[0] ?? 0) * through));
      const held = book.asks.filter(([price]) => (price ?? Infinity) <= limit).reduce((sum, [, quantity]) => sum + (quantity ?? 0), 0);
      const amount = Number(exchange.amountToPrecision(symbol, 2 * held));
      const order = await exchange.createOrder(symbol, 'limit', 'buy', amount, limit);
      if (order.status !== 'open' || (order.filled ?? 0) <= 0) throw new Error(`expected a partial fill of ${amount} at ${limit}, got ${order.status ?? '?'} with ${order.filled ?? 0} filled`);
      return { order, amount };
    } finally {
      await this.control('market');
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#clients.map((client) => client.close()));
    await this.exchange.stop();
  }
}

/** The error `promise` rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-error: ${String(error)}`);
  }
  throw new Error('expected a rejection, got a result');
}

/** Polls `check` every 10 ms until it returns a value, for at most `timeoutMillis`. */
export async function until<T>(check: () => T | undefined | false, what: string, timeoutMillis = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
