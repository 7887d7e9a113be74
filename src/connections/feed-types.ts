import type { RawData, WebSocket } from 'ws';
import type { BackoffOptions } from './backoff.js';

/** A feed's connection state: connecting (or waiting to reconnect), open, open but silent, or closed for good. */
export type FeedState = 'connecting' | 'open' | 'stale' | 'closed';

/** What one market-data message says, for metrics. */
export interface ParsedMessage {
  readonly symbol?: string;
  /** When the exchange produced it, epoch ms: gives the receive latency. */
  readonly exchangeTimestampMs?: number;
}

/** One exchange's WebSocket feed. */
export interface FeedOptions {
  readonly exchange: string;
  readonly url: string;
  /**
   * Reads a message as market data; undefined means it is not market data (an order
   * response, a pong) and it is neither counted nor resets staleness. The default reads JSON
   * with `symbol` (or `s`) and an epoch-ms timestamp in `ts`, `timestamp`, `E` or `T`.
   */
  readonly parse?: (data: RawData) => ParsedMessage | undefined;
  /** Called on every (re)connection, e.g. to send subscriptions. */
  readonly onOpen?: (socket: WebSocket) => void;
  /** Called with every message (market data or not), after market data is counted. */
  readonly onMessage?: (data: RawData, parsed: ParsedMessage | undefined) => void;
  /** An open feed with no message for this long is `stale`. Default 10000 ms. */
  readonly staleAfterMillis?: number;
  /** WebSocket ping interval, in ms. Default 5000. */
  readonly pingIntervalMillis?: number;
  /** No pong for this long after a ping ends the connection (and reconnects). Default 10000 ms. */
  readonly pongTimeoutMillis?: number;
  /** Disconnected for this long fires `prolonged-disconnect` (once per outage). Default 30000 ms. */
  readonly prolongedDisconnectMillis?: number;
  readonly backoff?: BackoffOptions;
}

/** A feed as the monitor reports it. */
export interface FeedStatus {
  readonly exchange: string;
  readonly state: FeedState;
  readonly messages: number;
  /** Messages per second over the last few seconds. */
  readonly messageRate: number;
  /** Epoch ms of the last message, or null before the first. */
  readonly lastMessageAt: number | null;
  /** Successful reconnections after a lost connection. */
  readonly reconnects: number;
  /** Failed connection attempts since the last success. */
  readonly failedAttempts: number;
  /** Epoch ms since which the feed is down, or null while up. */
  readonly downSince: number | null;
}
