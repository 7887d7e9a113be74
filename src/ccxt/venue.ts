import { blocksOf, type RiskBlocks } from '../risk-blocks.js';
import type { FacadeInternals, TradingTelemetry } from '../trading-telemetry.js';
import { exchangeMetricsOf, type ExchangeMetrics } from './exchange-metrics.js';
import { OrderLedger } from './order-ledger.js';
import { DEFAULT_RATE_LIMIT_SHARE } from './rate-limit-guard.js';
import { RateLimitState } from './rate-limit-state.js';
import { Attr } from '../conventions.js';
import { TelemetryConfigError } from '../errors.js';
import { exchangeViewsOf } from '../exchange-health-view.js';
import { BookHealth } from './book-health.js';
import { FundingLedger } from './funding-ledger.js';
import { StreamRegistry } from './stream-registry.js';
import { VenueClock } from './venue-clock.js';
import { venueView } from './venue-view.js';

/** Orders a venue follows at most (the order tracker's default `maxOpenOrders`). */
const LEDGER_LIMIT = 10_000;

/**
 * ccxt error classes that say the exchange could not be reached or would not answer, not that
 * a request was wrong. (Refusals for rate, DDoSProtection, are judged by their Retry-After.)
 */
const UNREACHABLE = new Set(['NetworkError', 'RequestTimeout', 'ExchangeNotAvailable', 'OnMaintenance']);

/** A REST failure that says the exchange is unreachable: its class and when (clock ms). */
export interface Unreachable {
  readonly errorClass: string;
  readonly at: number;
}

/**
 * One exchange as one facade sees it, shared by every instrumented instance of that exchange
 * id (a bot often has one instance for REST and one for streams, or one per account): the
 * orders followed, the WebSocket subscriptions, the rate limits, and how the latest REST call
 * went. What is recorded is per exchange id, whichever instance recorded it.
 */
export class Venue {
  readonly exchange: string;
  readonly telemetry: TradingTelemetry;
  readonly internals: FacadeInternals;
  readonly metrics: ExchangeMetrics;
  readonly ledger: OrderLedger;
  readonly streams: StreamRegistry;
  readonly rateLimits: RateLimitState;
  /** The blocks exchange health sets for the governor of the same facade. */
  readonly blocks: RiskBlocks;
  /** The exchange's clock against ours. */
  readonly clock: VenueClock;
  /** The health of its subscribed order books. */
  readonly books: BookHealth;
  /** Funding payments counted from `fetchFundingHistory`. */
  readonly funding: FundingLedger;
  /** The share of a rate limit at which the governor throttles this exchange. */
  readonly rateLimitShare: number;
  /** Health registries the venue's check is registered with. */
  readonly healthRegistries = new WeakSet<object>();
  #unreachable: Unreachable | undefined;

  constructor(exchange: string, telemetry: TradingTelemetry, internals: FacadeInternals, options: VenueOptions = {}) {
    this.exchange = exchange;
    this.telemetry = telemetry;
    this.internals = internals;
    this.metrics = exchangeMetricsOf(internals.families);
    this.ledger = new OrderLedger(LEDGER_LIMIT, (intent, fee) => telemetry.orders.for(intent).fee(fee.currency, fee.cost));
    this.blocks = blocksOf(telemetry);
    this.clock = new VenueClock(exchange, this.metrics, this.blocks);
    this.funding = new FundingLedger(exchange, telemetry.portfolio);
    this.books = new BookHealth(exchange, this.metrics, this.blocks);
    this.metrics.observeBookAge(() => [...this.books.ages(internals.clock())].map(({ symbol, seconds }) => ({ value: seconds, attributes: { [Attr.exchange]: exchange, [Attr.symbol]: symbol } })));
    this.streams = new StreamRegistry(exchange, this.metrics, telemetry.marketData, internals.clock, this.clock, this.books);
    this.rateLimitShare = options.rateLimitShare ?? DEFAULT_RATE_LIMIT_SHARE;
    this.rateLimits = new RateLimitState(exchange, this.metrics, internals.clock, this.blocks, this.rateLimitShare);
    exchangeViewsOf(telemetry).register(exchange, () => venueView(this));
  }

  /** A REST call ended: `undefined` for success, else its error class. */
  restOutcome(errorClass: string | undefined): void {
    if (errorClass === undefined) this.#unreachable = undefined;
    else if (UNREACHABLE.has(errorClass)) this.#unreachable = { errorClass, at: this.internals.clock() };
  }

  /** The latest REST call's failure, when it said the exchange is unreachable and no call has succeeded since. */
  get unreachable(): Unreachable | undefined {
    return this.#unreachable;
  }
}

/** What the first instrumented instance of an exchange decides for its venue. */
export interface VenueOptions {
  /** The share of a rate limit at which the governor throttles the exchange. */
  readonly rateLimitShare?: number;
}

const venues = new WeakMap<TradingTelemetry, Map<string, Venue>>();

/** The venue of exchange `id` on `telemetry`, made on first use (with `options`). */
export function venueOf(telemetry: TradingTelemetry, internals: FacadeInternals, id: string, options: VenueOptions = {}): Venue {
  let byId = venues.get(telemetry);
  if (byId === undefined) venues.set(telemetry, (byId = new Map<string, Venue>()));
  let venue = byId.get(id);
  if (venue === undefined) byId.set(id, (venue = new Venue(id, telemetry, internals, options)));
  else if (options.rateLimitShare !== undefined && options.rateLimitShare !== venue.rateLimitShare) {
    // One venue, one set of limits: two shares for them would make the governor's decision depend on which instance answered last.
    throw new TelemetryConfigError('rateLimitShare', `${id} is already instrumented on this telemetry with ${venue.rateLimitShare}: give every ${id} instance the same share`);
  }
  return venue;
}
