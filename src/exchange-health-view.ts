/** One subscribed order book's health, as the API shows it. */
export interface BookView {
  readonly symbol: string;
  readonly ageSeconds: number | null;
  readonly medianIntervalMillis: number | null;
  readonly gaps: number;
  readonly resyncs: number;
  readonly crossed: number;
  readonly locked: number;
  readonly silent: boolean;
}

/**
 * What exchange health knows of one exchange, for the alert presets, `/api/exchanges` and the
 * dashboard. Ids, symbols, numbers and fixed reasons only: nothing an exchange wrote.
 */
export interface ExchangeHealthView {
  readonly exchange: string;
  /** No socket is lost and the latest REST call reached the exchange. */
  readonly connected: boolean;
  /** Each rate limit: the latest usage reported, its size when published, the share used (0..1). `ccxt_throttler` is ccxt's own. */
  readonly rateLimits: readonly { readonly limit: string; readonly used: number; readonly size: number | null; readonly usage: number | null }[];
  /** The share of a reported limit at which the governor throttles this exchange (instrumentExchange's `rateLimitShare`); it lifts below this − 0.1. */
  readonly rateLimitShare: number;
  /** The latest 429 or 418 while its Retry-After runs; `until` in epoch ms. */
  readonly refusal: { readonly status: 429 | 418; readonly until: number } | null;
  /**
   * The clock offset (exchange minus ours) and its error bound, ms; null before the first
   * measurement. `uncertaintyMillis` is null while WebSocket stamps alone measured it: the offset
   * is then at least `offsetMillis`. `distanceMillis` is what the governor judges against
   * recvWindow / 2 ({@link clockDistanceMillis}).
   */
  readonly clock: { readonly offsetMillis: number; readonly uncertaintyMillis: number | null; readonly distanceMillis: number; readonly measuredAt: number; readonly recvWindowMillis: number } | null;
  /** Each subscribed order book's health. */
  readonly books: readonly BookView[];
  /** The governor blocks in force on this exchange (or one of its symbols). */
  readonly blocks: readonly { readonly symbol?: string; readonly level: 'throttle' | 'halt'; readonly source: string; readonly reason: string; readonly until?: number }[];
}

/**
 * The rate-limit row of ccxt's own throttler. It shows how close ccxt is to queueing requests,
 * never how close the exchange is to refusing them: a bot that polls as fast as ccxt lets it sits
 * at 1.0 by design, so neither the governor nor the headroom alert acts on it.
 */
export const CCXT_THROTTLER = 'ccxt_throttler';

/**
 * How far apart the clocks are known to be, ms: |offset| for a round-trip estimate; for a lower
 * bound from stream stamps, only what it proves (an exchange at least 2 s ahead is 2 s off; "at
 * least 300 ms behind" says nothing of the size, the stream may just be slow).
 */
export function knownClockOffsetMillis(clock: { readonly offsetMillis: number; readonly uncertaintyMillis: number | null }): number {
  return clock.uncertaintyMillis === null ? Math.max(0, clock.offsetMillis) : Math.abs(clock.offsetMillis);
}

/**
 * How far apart the clocks may be, ms, as the governor judges it: the distance known
 * ({@link knownClockOffsetMillis}) plus the uncertainty; a lower bound adds none.
 */
export function clockDistanceMillis(clock: { readonly offsetMillis: number; readonly uncertaintyMillis: number | null }): number {
  return knownClockOffsetMillis(clock) + (clock.uncertaintyMillis ?? 0);
}

/** The views of every exchange instrumented on one facade, each made when asked for. */
export class ExchangeHealthViews {
  readonly #providers = new Map<string, () => ExchangeHealthView>();

  /** Adds the view of exchange `id` (once per id). */
  register(id: string, provider: () => ExchangeHealthView): void {
    if (!this.#providers.has(id)) this.#providers.set(id, provider);
  }

  /** Every exchange's view now, by exchange id. */
  all(): ExchangeHealthView[] {
    return [...this.#providers.values()].map((view) => view()).sort((a, b) => a.exchange.localeCompare(b.exchange));
  }
}

const byFacade = new WeakMap<object, ExchangeHealthViews>();

/** The exchange health views of one telemetry facade, made on first use (instrumented exchanges fill it). */
export function exchangeViewsOf(facade: object): ExchangeHealthViews {
  let views = byFacade.get(facade);
  if (views === undefined) byFacade.set(facade, (views = new ExchangeHealthViews()));
  return views;
}
