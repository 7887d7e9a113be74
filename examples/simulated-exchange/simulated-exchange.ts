import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BinanceVenue, type BinanceVenueOptions } from './binance/binance-venue.js';
import { handleControl } from './control-api.js';
import { Faults } from './faults.js';
import type { LatencyModel } from './latency.js';
import type { MarketOptions } from './market.js';
import { Random } from './random.js';

/** Options of {@link SimulatedExchange}. */
export interface SimulatedExchangeOptions {
  /** Loopback port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Market-data interval per symbol, in ms. Default 50. */
  readonly tickIntervalMillis?: number;
  /** Seed of every random draw: the same seed replays the same market. Default 42. */
  readonly seed?: number;
  /** One-way latency of REST and WebSocket API answers. */
  readonly latency?: LatencyModel;
  readonly market?: Omit<MarketOptions, 'startPrices'>;
  /** The Binance spot venue: symbols, accounts, limits, fees. */
  readonly binance?: BinanceVenueOptions;
}

/**
 * A simulated exchange on 127.0.0.1. On one port: Binance's spot API for ccxt (REST under
 * `/api/v3`, streams under `/ws/<stream>` and `/stream`, the WebSocket API at `/ws-api/v3`),
 * and a control API under `/control/` to inject faults. See docs/simulated-exchange.md.
 */
export class SimulatedExchange {
  readonly faults = new Faults();
  /** The Binance spot API: its seeded market, books and accounts. */
  readonly binance: BinanceVenue;
  readonly #options: SimulatedExchangeOptions;
  #http: Server | undefined;
  #ticker: NodeJS.Timeout | undefined;

  constructor(options: SimulatedExchangeOptions = {}) {
    this.#options = options;
    // The venue's generator is seeded as it was beside the retired own protocol, so a seed replays the same market.
    this.binance = new BinanceVenue(options.binance ?? {}, {
      faults: this.faults,
      latency: options.latency ?? {},
      random: new Random((options.seed ?? 42) + 0x9e3779b9),
      ...(options.market === undefined ? {} : { market: options.market }),
    });
  }

  /** Starts listening; resolves with the WebSocket base URL (`ws://127.0.0.1:PORT`). */
  async start(): Promise<string> {
    const http = createServer((req, res) => {
      if (!this.binance.handleHttp(req, res)) handleControl(this, req, res);
    });
    http.on('upgrade', (req, socket, head) => {
      if (!this.binance.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.#options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.#http = http;
    this.#ticker = setInterval(() => this.binance.tick(), this.#options.tickIntervalMillis ?? 50);
    this.binance.start();
    return this.url;
  }

  /** The WebSocket base (`ws://127.0.0.1:PORT`): market streams under `/ws`, the WebSocket API under `/ws-api/v3`. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** The HTTP base (`http://127.0.0.1:PORT`) of the REST and control APIs. */
  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get port(): number {
    const address = this.#http?.address() as AddressInfo | undefined;
    return address?.port ?? 0;
  }

  /** Drops every connection at once. Orders rest, as they do on Binance. */
  dropConnections(): void {
    this.binance.dropConnections();
  }

  /** Drops every connection and refuses new ones (and answers REST with 503) for `millis`: an exchange outage. */
  outage(millis: number): void {
    this.faults.refuseConnectionsUntil = Date.now() + millis;
    this.dropConnections();
  }

  /** Counts for tests and the control API. */
  state(): Record<string, unknown> {
    return { faults: this.faults.snapshot(Date.now()), binance: this.binance.state() };
  }

  async stop(): Promise<void> {
    clearInterval(this.#ticker);
    this.binance.stop();
    this.dropConnections();
    const http = this.#http;
    if (http === undefined) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}
