import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** A market-data WebSocket server on 127.0.0.1 that tests can make stream, fall silent, drop, die and return. */
export class FlakyFeedServer {
  streaming = true;
  #server: WebSocketServer | undefined;
  #timer: NodeJS.Timeout | undefined;
  #port: number;
  readonly #autoPong: boolean;

  private constructor(port: number, autoPong: boolean) {
    this.#port = port;
    this.#autoPong = autoPong;
  }

  static async start(options: { autoPong?: boolean } = {}): Promise<FlakyFeedServer> {
    const server = new FlakyFeedServer(0, options.autoPong ?? true);
    await server.up();
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  get clients(): number {
    return this.#server?.clients.size ?? 0;
  }

  /** Listens (again, on the same port). */
  async up(): Promise<void> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: this.#port, autoPong: this.#autoPong });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    this.#timer = setInterval(() => {
      if (!this.streaming) return;
      const tick = JSON.stringify({ type: 'tick', symbol: 'BTC-USD', price: 50_000, ts: Date.now() - 3 });
      for (const client of server.clients) client.send(tick);
    }, 20);
  }

  /** Drops every connection at once, as a venue's load balancer does. */
  drop(): void {
    for (const client of this.#server?.clients ?? []) client.terminate();
  }

  /** Stops listening and drops everyone: connections are refused until `up()`. */
  async down(): Promise<void> {
    clearInterval(this.#timer);
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
