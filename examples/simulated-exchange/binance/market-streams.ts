import type { WebSocket } from 'ws';
import { frameText } from '../frame-text.js';
import { parseJsonObject } from '../json-object.js';

/** The stream kinds served per symbol, as in `btcusdt@depth@100ms`. */
const KINDS = ['depth', 'depth@100ms', 'depth@1000ms', 'trade', 'aggTrade', 'ticker', 'miniTicker', 'bookTicker'] as const;

interface StreamSession {
  readonly socket: WebSocket;
  /** `/stream` connections wrap every event as `{"stream","data"}`; `/ws` ones send it raw. */
  combined: boolean;
  readonly streams: Set<string>;
}

/**
 * Binance's market-data WebSocket streams: raw at `/ws/<stream>` (ccxt connects to
 * `/ws/<n>` and subscribes by frame), combined at `/stream?streams=a/b`, and the live
 * `SUBSCRIBE` / `UNSUBSCRIBE` / `LIST_SUBSCRIPTIONS` / `SET_PROPERTY` / `GET_PROPERTY`
 * frames. The venue publishes events by stream name.
 */
export class MarketStreams {
  readonly #sessions = new Set<StreamSession>();
  readonly #valid: ReadonlySet<string>;
  readonly #silent: () => boolean;

  /** `symbols` are the listed ids (`BTCUSDT`); stream names use them in lower case. `silent` mutes the replies to control frames too. */
  constructor(symbols: readonly string[], silent: () => boolean) {
    this.#silent = silent;
    this.#valid = new Set(symbols.flatMap((symbol) => KINDS.map((kind) => `${symbol.toLowerCase()}@${kind}`)));
  }

  /** Takes a new connection for `url` (`/ws/...` or `/stream?streams=...`). */
  accept(socket: WebSocket, url: URL): void {
    const combined = url.pathname === '/stream' || url.pathname.startsWith('/stream/');
    const named = combined ? (url.searchParams.get('streams') ?? '').split('/') : url.pathname.split('/').slice(2);
    const session: StreamSession = { socket, combined, streams: new Set(named.filter((name) => this.#valid.has(name))) };
    this.#sessions.add(session);
    socket.on('close', () => this.#sessions.delete(session));
    socket.on('message', (data) => this.#control(session, frameText(data)));
  }

  /** Whether any connection listens to `stream`. */
  has(stream: string): boolean {
    for (const session of this.#sessions) if (session.streams.has(stream)) return true;
    return false;
  }

  /** Sends `event` to every connection subscribed to `stream`. */
  publish(stream: string, event: unknown): void {
    let raw: string | undefined;
    let wrapped: string | undefined;
    for (const session of this.#sessions) {
      if (!session.streams.has(stream) || session.socket.readyState !== session.socket.OPEN) continue;
      if (session.combined) session.socket.send((wrapped ??= JSON.stringify({ stream, data: event })));
      else session.socket.send((raw ??= JSON.stringify(event)));
    }
  }

  get connections(): number {
    return this.#sessions.size;
  }

  dropAll(): void {
    for (const session of this.#sessions) session.socket.terminate();
  }

  #control(session: StreamSession, text: string): void {
    const request = parseJsonObject(text);
    if (request === undefined) {
      this.#reply(session, { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' });
      return;
    }
    const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
    const params = Array.isArray(request.params) ? (request.params as unknown[]) : [];
    const invalid = (msg: string): void => this.#reply(session, { error: { code: 2, msg }, id });
    switch (request.method) {
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE': {
        const names = params.filter((name): name is string => typeof name === 'string');
        if (names.length !== params.length || names.some((name) => !this.#valid.has(name))) return invalid('Invalid request: invalid stream');
        for (const name of names) {
          if (request.method === 'SUBSCRIBE') session.streams.add(name);
          else session.streams.delete(name);
        }
        return this.#reply(session, { result: null, id });
      }
      case 'LIST_SUBSCRIPTIONS':
        return this.#reply(session, { result: [...session.streams], id });
      case 'SET_PROPERTY':
        if (params[0] !== 'combined') return this.#reply(session, { code: 0, msg: 'Unknown property', id });
        if (typeof params[1] !== 'boolean') return this.#reply(session, { code: 1, msg: 'Invalid value type: expected Boolean' });
        session.combined = params[1];
        return this.#reply(session, { result: null, id });
      case 'GET_PROPERTY':
        if (params[0] !== 'combined') return this.#reply(session, { code: 0, msg: 'Unknown property', id });
        return this.#reply(session, { result: session.combined, id });
      default:
        return invalid(`Invalid request: unknown variant ${JSON.stringify(request.method)}, expected one of \`SUBSCRIBE\`, \`UNSUBSCRIBE\`, \`LIST_SUBSCRIPTIONS\`, \`SET_PROPERTY\`, \`GET_PROPERTY\``);
    }
  }

  #reply(session: StreamSession, message: unknown): void {
    if (!this.#silent() && session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(message));
  }
}
