import { z } from 'zod';
import { fn, schemaOf } from '../validation/parse-options.js';
import type { BackoffOptions } from './backoff.js';

/** The open connection, as `onOpen` hands it over: enough to send subscriptions and orders. */
export interface FeedSocket {
  /** Sends one frame. */
  send(data: string | Buffer): void;
  /** 1 while open (compare with `OPEN`). */
  readonly readyState: number;
  readonly OPEN: number;
}

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
   * `data` is the frame's bytes (`data.toString()` for a text frame).
   */
  readonly parse?: (data: Buffer) => ParsedMessage | undefined;
  /** Called on every (re)connection, e.g. to send subscriptions. */
  readonly onOpen?: (socket: FeedSocket) => void;
  /** Called with every message (market data or not), after market data is counted. */
  readonly onMessage?: (data: Buffer, parsed: ParsedMessage | undefined) => void;
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

const millis = z.number().positive();

/** The strict schema of {@link FeedOptions}. */
export const feedOptionsSchema = schemaOf<FeedOptions>()(
  z.strictObject({
    exchange: z.string().min(1).max(64),
    url: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL'),
    parse: fn<NonNullable<FeedOptions['parse']>>().optional(),
    onOpen: fn<NonNullable<FeedOptions['onOpen']>>().optional(),
    onMessage: fn<NonNullable<FeedOptions['onMessage']>>().optional(),
    staleAfterMillis: millis.optional(),
    pingIntervalMillis: millis.optional(),
    pongTimeoutMillis: millis.optional(),
    prolongedDisconnectMillis: millis.optional(),
    backoff: z
      .strictObject({ initialDelayMillis: millis.optional(), maxDelayMillis: millis.optional(), factor: z.number().min(1).optional(), jitter: z.number().min(0).max(1).optional() })
      .optional(),
  }),
);
