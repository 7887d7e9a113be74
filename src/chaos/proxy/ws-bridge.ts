import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { type RawData, WebSocketServer } from 'ws';
import type { ProxyFaults } from './proxy-faults.js';
import { faultFrame } from './ws-frames.js';

/** Messages from upstream waiting for their latency, per connection; past this the connection is dropped rather than memory grown. */
const MAX_PENDING_MESSAGES = 10_000;

/** A close code that may be sent (1005, 1006 and 1015 only ever describe a close). */
const sendableCode = (code: number): number => (code === 1000 || (code >= 1001 && code <= 1014 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999) ? code : 1011);

/** A text frame's content (ws hands a Buffer, or fragments as Buffer[] / ArrayBuffer). */
const rawText = (data: RawData): string => (Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');

/**
 * WebSocket forwarding: each client upgrade opens the same path upstream, then messages flow
 * both ways. Messages from upstream go through the faults (dropped, rewritten, delayed in
 * order); messages from the client pass untouched.
 */
export class WsBridge {
  readonly #upstream: string;
  readonly #faults: ProxyFaults;
  readonly #server = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #live = new Set<{ client: WebSocket; upstream: WebSocket }>();

  /** @param upstream the `ws://` or `wss://` base the paths are appended to. */
  constructor(upstream: string, faults: ProxyFaults) {
    this.#upstream = upstream;
    this.#faults = faults;
  }

  /** The number of client connections forwarded now. */
  get connections(): number {
    return this.#live.size;
  }

  /** Handles an HTTP upgrade: refused while `disconnect` lasts, 502 when upstream does not open. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#faults.refusesConnections()) {
      this.#faults.counts.refusedConnections++;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = new WebSocket(`${this.#upstream}${req.url ?? '/'}`, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    const refuse = (): void => {
      if (socket.writable) socket.end('HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    };
    upstream.once('error', refuse);
    socket.once('close', () => {
      if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
    });
    upstream.once('open', () => {
      upstream.off('error', refuse);
      upstream.on('error', () => socket.destroy());
      if (socket.destroyed) {
        upstream.terminate();
        return;
      }
      this.#server.handleUpgrade(req, socket, head, (client) => this.#bridge(client, upstream));
    });
  }

  /** Drops every forwarded connection, both sides (clients see 1006, as when a network path dies). */
  dropAll(): void {
    for (const pair of this.#live) {
      pair.client.terminate();
      pair.upstream.terminate();
      this.#faults.counts.droppedConnections++;
    }
    this.#live.clear();
  }

  close(): void {
    this.dropAll();
    this.#server.close();
  }

  #bridge(client: WebSocket, upstream: WebSocket): void {
    const pair = { client, upstream };
    this.#live.add(pair);
    let pending = 0;
    let lastDeliveryAt = 0;
    const deliver = (data: RawData | string, binary: boolean): void => {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
    };
    upstream.on('message', (data, binary) => {
      let out: RawData | string = data;
      if (!binary) {
        const text = faultFrame(rawText(data), this.#faults);
        if (text === undefined) return;
        out = text;
      }
      const latency = this.#faults.latencyMillis;
      if (latency === 0 && pending === 0) {
        deliver(out, binary);
        return;
      }
      if (++pending > MAX_PENDING_MESSAGES) {
        client.terminate();
        return;
      }
      if (latency > 0) this.#faults.counts.delayed++;
      // In order: never before the message ahead of it.
      const at = Math.max(Date.now() + latency, lastDeliveryAt);
      lastDeliveryAt = at;
      setTimeout(() => {
        pending--;
        deliver(out, binary);
      }, at - Date.now());
    });
    client.on('message', (data, binary) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary });
    });
    const end = (): void => {
      this.#live.delete(pair);
    };
    upstream.on('close', (code, reason) => {
      end();
      if (client.readyState === WebSocket.OPEN) client.close(sendableCode(code), reason);
      else client.terminate();
    });
    client.on('close', (code, reason) => {
      end();
      if (upstream.readyState === WebSocket.OPEN) upstream.close(sendableCode(code), reason);
      else upstream.terminate();
    });
    upstream.on('error', () => client.terminate());
    client.on('error', () => upstream.terminate());
  }
}
