import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { Account, type AccountLimits } from './account.js';
import { Faults } from './faults.js';
import { drawLatency, type LatencyModel } from './latency.js';
import { Market, type MarketOptions } from './market.js';
import { messageText } from 'trading-telemetry';
import { parseClientMessage, type ServerMessage } from './protocol.js';
import { Random } from './random.js';

/** Options of {@link SimulatedExchange}. */
export interface SimulatedExchangeOptions {
  /** Loopback port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Listed symbols and their starting prices. */
  readonly startPrices?: MarketOptions['startPrices'];
  /** Market-data interval per symbol, in ms. Default 50. */
  readonly tickIntervalMillis?: number;
  /** Seed of every random draw: the same seed replays the same market. Default 42. */
  readonly seed?: number;
  readonly latency?: LatencyModel;
  readonly limits?: AccountLimits;
  readonly market?: Omit<MarketOptions, 'startPrices'>;
}

export const DEFAULT_PRICES = { 'BTC-USD': 50_000, 'ETH-USD': 3_000, 'SOL-USD': 150 } as const;

interface Session {
  readonly socket: WebSocket;
  readonly account: Account;
  /** Order responses waiting for their latency, in send order (a FIFO keeps them ordered under jitter). */
  readonly outbox: { readonly at: number; readonly message: ServerMessage }[];
  timer: NodeJS.Timeout | undefined;
}

/**
 * A simulated exchange on 127.0.0.1: market data and order entry over one WebSocket at
 * `/ws`, and a control API under `/control/` (HTTP, same port) to inject faults. See
 * docs/simulated-exchange.md for the protocol.
 */
export class SimulatedExchange {
  readonly faults = new Faults();
  readonly #options: SimulatedExchangeOptions;
  readonly #random: Random;
  readonly #market: Market;
  readonly #sessions = new Set<Session>();
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  #ticker: NodeJS.Timeout | undefined;
  #seq = 0;
  #ordersReceived = 0;

  constructor(options: SimulatedExchangeOptions = {}) {
    this.#options = options;
    this.#random = new Random(options.seed ?? 42);
    this.#market = new Market({ ...options.market, startPrices: options.startPrices ?? DEFAULT_PRICES }, this.#random);
  }

  /** Starts listening; resolves with the base URL (`ws://127.0.0.1:PORT`). */
  async start(): Promise<string> {
    const http = createServer((req, res) => this.#control(req, res));
    const wss = new WebSocketServer({ server: http, path: '/ws', verifyClient: () => Date.now() >= this.faults.refuseConnectionsUntil });
    wss.on('connection', (socket) => this.#connected(socket));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.#options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.#http = http;
    this.#wss = wss;
    this.#ticker = setInterval(() => this.#tick(), this.#options.tickIntervalMillis ?? 50);
    return this.url;
  }

  get url(): string {
    const address = this.#http?.address() as AddressInfo | undefined;
    return `ws://127.0.0.1:${address?.port ?? 0}`;
  }

  /** Drops every connection at once. Resting orders of a lost session are cancelled (cancel-on-disconnect). */
  dropConnections(): void {
    for (const session of this.#sessions) session.socket.terminate();
  }

  /** Drops every connection and refuses new ones for `millis`: an exchange outage. */
  outage(millis: number): void {
    this.faults.refuseConnectionsUntil = Date.now() + millis;
    this.dropConnections();
  }

  /** Counts for tests and the control API. */
  state(): Record<string, unknown> {
    let openOrders = 0;
    for (const s of this.#sessions) openOrders += s.account.openOrders;
    return { connections: this.#sessions.size, ordersReceived: this.#ordersReceived, openOrders, faults: this.faults.snapshot(Date.now()) };
  }

  async stop(): Promise<void> {
    clearInterval(this.#ticker);
    this.dropConnections();
    this.#wss?.close();
    const http = this.#http;
    if (http === undefined) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  #connected(socket: WebSocket): void {
    const session: Session = {
      socket,
      outbox: [],
      timer: undefined,
      account: new Account(
        { market: this.#market, faults: this.faults, random: this.#random, now: Date.now, send: (m) => this.#respond(session, m) },
        this.#options.limits,
      ),
    };
    this.#sessions.add(session);
    socket.on('close', () => {
      clearTimeout(session.timer);
      this.#sessions.delete(session);
    });
    socket.on('message', (data) => {
      const message = parseClientMessage(messageText(data));
      if (message === undefined) return;
      if (message.type === 'place') this.#ordersReceived++;
      session.account.handle(message);
    });
    this.#send(session, { type: 'hello', symbols: this.#market.symbols, ts: Date.now() });
  }

  /** Sends an order response after the modelled latency, never overtaking an earlier one. */
  #respond(session: Session, message: ServerMessage): void {
    const previous = session.outbox.at(-1)?.at ?? 0;
    const at = Math.max(Date.now() + drawLatency(this.#options.latency ?? {}, this.#random, this.faults.extraLatencyMillis), previous);
    session.outbox.push({ at, message });
    if (session.timer === undefined) this.#flushOutbox(session);
  }

  /** Sends every due response in order, then waits for the next one. */
  #flushOutbox(session: Session): void {
    session.timer = undefined;
    const now = Date.now();
    while (session.outbox.length > 0 && (session.outbox[0]?.at ?? Infinity) <= now) {
      const next = session.outbox.shift();
      if (next !== undefined) this.#send(session, next.message);
    }
    const head = session.outbox[0];
    if (head !== undefined) session.timer = setTimeout(() => this.#flushOutbox(session), Math.max(1, head.at - now));
  }

  #send(session: Session, message: ServerMessage): void {
    if (this.faults.isSilent(Date.now()) || session.socket.readyState !== session.socket.OPEN) return;
    session.socket.send(JSON.stringify(message));
  }

  #tick(): void {
    const now = Date.now();
    for (const symbol of this.#market.symbols) {
      const quote = this.#market.step(symbol);
      const tick: ServerMessage = { type: 'tick', symbol, seq: ++this.#seq, price: quote.price, bid: quote.bid, ask: quote.ask, ts: now };
      for (const session of this.#sessions) {
        this.#send(session, tick);
        session.account.onQuote(quote);
      }
    }
  }

  #control(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const number = (name: string, fallback: number): number => Number(url.searchParams.get(name) ?? fallback);
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/control/state') return reply(200, this.state());
    if (req.method !== 'POST') return reply(404, { error: 'not found' });
    switch (url.pathname) {
      case '/control/drop':
        this.dropConnections();
        break;
      case '/control/outage':
        this.outage(number('millis', 5_000));
        break;
      case '/control/silence':
        this.faults.silence(number('millis', 10_000), Date.now());
        break;
      case '/control/latency':
        this.faults.extraLatencyMillis = number('millis', 0);
        break;
      case '/control/reject-burst': {
        const reason = url.searchParams.get('reason');
        this.faults.rejectBurst = number('count', 10);
        if (reason === 'insufficient_balance' || reason === 'price_out_of_band' || reason === 'rate_limited' || reason === 'unknown_symbol') {
          this.faults.rejectBurstReason = reason;
        }
        break;
      }
      case '/control/fills':
        this.faults.fillsEnabled = url.searchParams.get('enabled') !== 'false';
        break;
      case '/control/reset':
        this.faults.reset();
        break;
      default:
        return reply(404, { error: 'not found' });
    }
    reply(200, this.state());
  }
}
