import { type RawData, WebSocket } from 'ws';
import type { MarketDataMetrics } from '../metrics/market-data-metrics.js';
import { backoffDelay } from './backoff.js';
import type { FeedOptions, FeedState, FeedStatus, ParsedMessage } from './feed-types.js';

/** What a feed reports to its monitor. */
export interface FeedEvents {
  state(feed: ExchangeFeed, state: FeedState, previous: FeedState): void;
  prolongedDisconnect(feed: ExchangeFeed, downForMillis: number): void;
}

/** The bytes of a WebSocket message, whichever form `ws` delivered it in (a Buffer by default). */
function messageBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function defaultParse(data: Buffer): ParsedMessage | undefined {
  try {
    const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    const symbol = message.symbol ?? message.s;
    const timestamp = message.ts ?? message.timestamp ?? message.E ?? message.T;
    return {
      ...(typeof symbol === 'string' ? { symbol } : {}),
      ...(typeof timestamp === 'number' ? { exchangeTimestampMs: timestamp } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * One exchange's WebSocket connection, kept alive: counts messages and receive latency into
 * the facade, marks the exchange connected or not, detects silence (`stale`) and dead peers
 * (ping without pong), and reconnects with exponential backoff and jitter.
 */
export class ExchangeFeed {
  readonly options: FeedOptions;
  #state: FeedState = 'connecting';
  #socket: WebSocket | undefined;
  #messages = 0;
  #lastMessageAt: number | null = null;
  #reconnects = 0;
  #failedAttempts = 0;
  #everOpened = false;
  #downSince: number | null;
  #prolongedReported = false;
  #awaitingPong = false;
  #rateWindow: { at: number; messages: number }[] = [];
  #timers: NodeJS.Timeout[] = [];
  #reconnectTimer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #metrics: MarketDataMetrics;
  readonly #events: FeedEvents;
  readonly #now: () => number;

  constructor(options: FeedOptions, metrics: MarketDataMetrics, events: FeedEvents, now: () => number) {
    this.options = options;
    this.#metrics = metrics;
    this.#events = events;
    this.#now = now;
    this.#downSince = now();
  }

  get exchange(): string {
    return this.options.exchange;
  }

  /** Opens the connection and starts the watchdog timers. */
  start(): void {
    const watchdog = setInterval(() => this.#watch(), Math.max(20, Math.min(1000, (this.options.staleAfterMillis ?? 10_000) / 4)));
    const pinger = setInterval(() => this.#ping(), this.options.pingIntervalMillis ?? 5000);
    for (const timer of [watchdog, pinger]) timer.unref();
    this.#timers.push(watchdog, pinger);
    this.#connect();
  }

  status(): FeedStatus {
    return {
      exchange: this.exchange,
      state: this.#state,
      messages: this.#messages,
      messageRate: this.#rate(),
      lastMessageAt: this.#lastMessageAt,
      reconnects: this.#reconnects,
      failedAttempts: this.#failedAttempts,
      downSince: this.#downSince,
    };
  }

  /** Closes for good: no reconnection. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    clearTimeout(this.#reconnectTimer);
    const socket = this.#socket;
    this.#setState('closed');
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.terminate();
    });
  }

  #connect(): void {
    if (this.#closed) return;
    this.#setState('connecting');
    const socket = new WebSocket(this.options.url, { handshakeTimeout: 5000 });
    this.#socket = socket;
    socket.on('open', () => this.#opened(socket));
    socket.on('message', (data) => this.#message(data));
    socket.on('pong', () => {
      this.#awaitingPong = false;
    });
    socket.on('error', () => {
      // 'close' follows every error; reconnection is handled there.
    });
    socket.on('close', () => this.#lost(socket));
  }

  #opened(socket: WebSocket): void {
    if (this.#everOpened) this.#reconnects++;
    if (this.#everOpened) this.#metrics.reconnected(this.exchange);
    this.#everOpened = true;
    this.#failedAttempts = 0;
    this.#downSince = null;
    this.#prolongedReported = false;
    this.#awaitingPong = false;
    this.#metrics.setConnected(this.exchange, true);
    this.#setState('open');
    this.options.onOpen?.(socket);
  }

  #message(raw: RawData): void {
    const data = messageBytes(raw);
    const parsed = (this.options.parse ?? defaultParse)(data);
    if (parsed !== undefined) {
      this.#messages++;
      this.#lastMessageAt = this.#now();
      this.#metrics.for(this.exchange, parsed.symbol ?? 'all').message(1, parsed.exchangeTimestampMs);
      if (this.#state === 'stale') this.#setState('open');
    }
    this.options.onMessage?.(data, parsed);
  }

  #lost(socket: WebSocket): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    this.#metrics.setConnected(this.exchange, false);
    this.#downSince ??= this.#now();
    if (this.#closed) return;
    const delay = backoffDelay(this.#failedAttempts, this.options.backoff);
    this.#failedAttempts++;
    this.#setState('connecting');
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
    this.#reconnectTimer.unref();
  }

  #watch(): void {
    const now = this.#now();
    this.#rateWindow.push({ at: now, messages: this.#messages });
    while (this.#rateWindow.length > 2 && (this.#rateWindow[0]?.at ?? now) < now - 5000) this.#rateWindow.shift();
    if (this.#state === 'open' && now - (this.#lastMessageAt ?? now) > (this.options.staleAfterMillis ?? 10_000)) this.#setState('stale');
    const downSince = this.#downSince;
    const threshold = this.options.prolongedDisconnectMillis ?? 30_000;
    if (downSince !== null && !this.#prolongedReported && now - downSince >= threshold) {
      this.#prolongedReported = true;
      this.#events.prolongedDisconnect(this, now - downSince);
    }
  }

  #ping(): void {
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return;
    if (this.#awaitingPong) {
      socket.terminate(); // no pong since the last ping: the peer is gone; 'close' reconnects
      return;
    }
    this.#awaitingPong = true;
    socket.ping();
  }

  #rate(): number {
    const first = this.#rateWindow[0];
    const last = this.#rateWindow.at(-1);
    if (first === undefined || last === undefined || last.at === first.at) return 0;
    return ((last.messages - first.messages) * 1000) / (last.at - first.at);
  }

  #setState(state: FeedState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#events.state(this, state, previous);
  }
}
