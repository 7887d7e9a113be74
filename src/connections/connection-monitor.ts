import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { TelemetryConfigError } from '../errors.js';
import { fn, hasMethods, instance, parseOptions, schemaOf } from '../validation/parse-options.js';
import { exchangeCheck, type StalenessThresholds } from '../health/checks/exchange-check.js';
import type { HealthRegistry } from '../health/health-registry.js';
import type { MarketDataMetrics } from '../metrics/market-data-metrics.js';
import { ExchangeFeed } from './exchange-feed.js';
import { type FeedOptions, feedOptionsSchema, type FeedState, type FeedStatus } from './feed-types.js';

/** Events of {@link ConnectionMonitor}. */
export interface ConnectionMonitorEvents {
  /** A feed changed state. */
  state: [exchange: string, state: FeedState, previous: FeedState];
  /** A feed has been down longer than its `prolongedDisconnectMillis` (once per outage): alerting hooks in here. */
  'prolonged-disconnect': [exchange: string, downForMillis: number];
}

/** Options of {@link ConnectionMonitor}. */
export interface ConnectionMonitorOptions {
  /** Where messages, latency, connection state and reconnects are recorded: `telemetry.marketData`. */
  readonly marketData: MarketDataMetrics;
  /** Registers an `exchange:<name>` readiness check per feed. */
  readonly health?: HealthRegistry;
  /** Thresholds of those checks (degraded after 10 s of silence, unhealthy after 30 s by default). */
  readonly staleness?: StalenessThresholds;
  /** Epoch ms; injectable for tests. */
  readonly now?: () => number;
}

const seconds = z.number().positive();
const monitorOptionsSchema = schemaOf<ConnectionMonitorOptions>()(
  z.strictObject({
    marketData: instance<MarketDataMetrics>('telemetry.marketData', hasMethods('for', 'setConnected', 'exchanges')),
    health: instance<HealthRegistry>('the handle\'s health registry (handle.health)', hasMethods('register', 'run')).optional(),
    staleness: z.strictObject({ degradedAfterSeconds: seconds.optional(), unhealthyAfterSeconds: seconds.optional() }).optional(),
    now: fn<() => number>().optional(),
  }),
);

/**
 * Watches several exchanges' WebSocket feeds: state per exchange (connecting, open, stale,
 * closed), message rate, receive latency, reconnects with backoff, ping timeouts, and an
 * event on prolonged disconnection. Everything it sees lands in the facade's market-data
 * metrics, so `/metrics`, the health checks and the dashboard agree.
 */
export class ConnectionMonitor extends EventEmitter<ConnectionMonitorEvents> {
  readonly #feeds = new Map<string, ExchangeFeed>();
  readonly #options: ConnectionMonitorOptions;

  /** @throws TelemetryConfigError naming the option when one is unknown or unusable. */
  constructor(options: ConnectionMonitorOptions) {
    super();
    this.#options = parseOptions(monitorOptionsSchema, options);
  }

  /**
   * Connects to and watches one exchange's feed.
   * @throws TelemetryConfigError when the exchange is already watched or the URL is not ws:// or wss://.
   */
  add(options: FeedOptions): this {
    const feed = parseOptions(feedOptionsSchema, options, 'feed');
    if (this.#feeds.has(feed.exchange)) throw new TelemetryConfigError(`feed "${feed.exchange}"`, 'is already monitored');
    const instance = new ExchangeFeed(
      feed,
      this.#options.marketData,
      {
        state: (f, state, previous) => this.emit('state', f.exchange, state, previous),
        prolongedDisconnect: (f, downFor) => this.emit('prolonged-disconnect', f.exchange, downFor),
      },
      this.#options.now ?? Date.now,
    );
    this.#feeds.set(feed.exchange, instance);
    const marketData = this.#options.marketData;
    this.#options.health?.register(`exchange:${feed.exchange}`, exchangeCheck(feed.exchange, () => marketData.exchanges(), this.#options.staleness), {
      probes: ['readiness'],
      cacheTtlMillis: 0,
    });
    instance.start();
    return this;
  }

  /** One exchange's status, or undefined when it is not monitored. */
  status(exchange: string): FeedStatus | undefined {
    return this.#feeds.get(exchange)?.status();
  }

  /** Every monitored exchange's status. */
  statuses(): FeedStatus[] {
    return [...this.#feeds.values()].map((feed) => feed.status());
  }

  /** Closes every feed for good. */
  async close(): Promise<void> {
    await Promise.all([...this.#feeds.values()].map((feed) => feed.close()));
  }
}
