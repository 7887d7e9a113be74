import type { WebSocket } from 'ws';
import { frameText } from '../frame-text.js';
import { parseJsonObject } from '../json-object.js';
import { BinanceError } from './binance-error.js';
import type { WeightBudget } from './rate-limits.js';
import { authenticateWsApi } from './signed-request.js';
import type { SpotAccount } from './spot-account.js';

/** What the WebSocket API needs from the venue. */
export interface WsApiVenue {
  readonly weights: WeightBudget;
  readonly secrets: ReadonlyMap<string, string>;
  account(apiKey: string): SpotAccount;
  /** Server time, epoch ms. */
  now(): number;
  /** The REQUEST_WEIGHT limit per minute, for the `rateLimits` field. */
  weightLimit(): number;
  /** True while the global silence fault holds every frame back. */
  silent(): boolean;
  /** Waits the modelled one-way latency. */
  travel(): Promise<void>;
}

interface ApiSession {
  readonly socket: WebSocket;
  readonly ip: string;
  readonly subscriptions: Map<number, () => void>;
  nextSubscriptionId: number;
  /** Requests run one after another, each after the modelled latency. */
  queue: Promise<void>;
}

interface ApiRequest {
  readonly id: unknown;
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Request weights of the methods served (Binance's web-socket-api.md). */
const WEIGHTS: Readonly<Record<string, number>> = {
  ping: 1,
  time: 1,
  'userDataStream.subscribe.signature': 2,
  'userDataStream.unsubscribe': 2,
  'session.subscriptions': 2,
};

/**
 * The part of Binance's WebSocket API (`/ws-api/v3`) that ccxt 4.5 uses for spot user data:
 * `userDataStream.subscribe.signature` (what `watchOrders`, `watchMyTrades` and
 * `watchBalance` send), then `{"subscriptionId","event":{…}}` frames with the account's
 * executionReport and outboundAccountPosition events. Requests share the IP's REST weight.
 */
export class WsApi {
  readonly #venue: WsApiVenue;
  readonly #sessions = new Set<ApiSession>();

  constructor(venue: WsApiVenue) {
    this.#venue = venue;
  }

  /** Takes a new connection from `ip`; connecting costs 2 weight, as on Binance. */
  accept(socket: WebSocket, ip: string): void {
    const session: ApiSession = { socket, ip, subscriptions: new Map(), nextSubscriptionId: 0, queue: Promise.resolve() };
    this.#sessions.add(session);
    this.#venue.weights.charge(ip, 2, this.#venue.now());
    socket.on('close', () => {
      for (const unsubscribe of session.subscriptions.values()) unsubscribe();
      this.#sessions.delete(session);
    });
    socket.on('message', (data) => {
      const text = frameText(data);
      session.queue = session.queue
        .then(async () => {
          await this.#venue.travel();
          this.#handle(session, text);
        })
        .catch(() => session.socket.terminate());
    });
  }

  get connections(): number {
    return this.#sessions.size;
  }

  /** User-data subscriptions open across all connections. */
  get subscriptions(): number {
    let count = 0;
    for (const session of this.#sessions) count += session.subscriptions.size;
    return count;
  }

  dropAll(): void {
    for (const session of this.#sessions) session.socket.terminate();
  }

  #handle(session: ApiSession, text: string): void {
    const request = parseRequest(text);
    if (request === undefined) {
      this.#send(session, { id: null, status: 400, error: { code: -1000, msg: 'Malformed request.' } });
      return;
    }
    const now = this.#venue.now();
    const weight = WEIGHTS[request.method.replace(/^v3\//, '')];
    const charge = this.#venue.weights.charge(session.ip, weight ?? 1, now);
    const rateLimits = [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: this.#venue.weightLimit(), count: charge.used }];
    try {
      if (charge.refusal !== undefined) throw charge.refusal;
      const result = this.#run(session, request, now);
      this.#send(session, { id: request.id, status: 200, result, rateLimits });
    } catch (error) {
      if (!(error instanceof BinanceError)) throw error;
      const data = error.retryAfterSeconds === undefined ? {} : { data: { serverTime: now, retryAfter: now + error.retryAfterSeconds * 1000 } };
      this.#send(session, { id: request.id, status: error.status, error: { code: error.code, msg: error.message, ...data }, rateLimits });
    }
  }

  #run(session: ApiSession, request: ApiRequest, now: number): unknown {
    switch (request.method.replace(/^v3\//, '')) {
      case 'ping':
        return {};
      case 'time':
        return { serverTime: now };
      case 'userDataStream.subscribe.signature': {
        const apiKey = authenticateWsApi(request.params, this.#venue.secrets, now);
        const subscriptionId = session.nextSubscriptionId++;
        const unsubscribe = this.#venue.account(apiKey).subscribe((event) => this.#send(session, { subscriptionId, event }));
        session.subscriptions.set(subscriptionId, unsubscribe);
        return { subscriptionId };
      }
      case 'userDataStream.unsubscribe': {
        const id = request.params.subscriptionId;
        for (const [subscriptionId, unsubscribe] of session.subscriptions) {
          if (id !== undefined && id !== subscriptionId) continue;
          unsubscribe();
          session.subscriptions.delete(subscriptionId);
        }
        return {};
      }
      case 'session.subscriptions':
        return [...session.subscriptions.keys()].map((subscriptionId) => ({ subscriptionId }));
      default:
        throw new BinanceError(400, -1020, 'This operation is not supported.');
    }
  }

  #send(session: ApiSession, message: unknown): void {
    if (!this.#venue.silent() && session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(message));
  }
}

function parseRequest(text: string): ApiRequest | undefined {
  const request = parseJsonObject(text);
  if (request === undefined || typeof request.method !== 'string') return undefined;
  const params = typeof request.params === 'object' && request.params !== null ? (request.params as Record<string, unknown>) : {};
  return { id: request.id ?? null, method: request.method, params };
}
