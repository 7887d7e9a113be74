import { Attr } from '../conventions.js';
import type { ValueSeries } from '../metrics/instrument-families.js';
import type { ExchangeMetrics } from './exchange-metrics.js';
import { CCXT_THROTTLER } from '../exchange-health-view.js';
import type { RiskBlocks } from '../risk-blocks.js';
import { type LimitUsage, RateLimitGuard, type Refusal } from './rate-limit-guard.js';
import { rateLimitReader, type RateLimitReader } from './rate-limit-headers.js';
import { ThrottlerUsage } from './throttler-usage.js';

/**
 * How long a refusal lasts when its answer names no Retry-After: without a wait the block would
 * end at once and the bot send straight into the limit again (and a ban, which every try
 * lengthens). Binance's first bans last 2 minutes.
 */
const UNSAID_RETRY_AFTER_SECONDS = { 429: 60, 418: 120 } as const;

/** What is known of one limit: the latest usage and size reported, and its usage series. */
interface Limit {
  used: number | undefined;
  size: number | undefined;
  readonly usage: ValueSeries;
}

/** Limits followed per venue, at most (Bybit has one per endpoint). */
const MAX_LIMITS = 1000;

/**
 * One venue's rate limits as its responses report them: the usage and size of each limit
 * (gauges) and the share used, the share of ccxt's own throttler used, the 429s and 418s
 * (counted), and the Retry-After of the latest refusal. After each response and each
 * throttled request its {@link RateLimitGuard} re-decides the venue's governor blocks.
 */
export class RateLimitState {
  readonly #exchange: string;
  readonly #metrics: ExchangeMetrics;
  readonly #reader: RateLimitReader;
  readonly #clock: () => number;
  #refusal: Refusal | undefined;
  /** The usage and size series of each limit seen (a size only once one is published: a 0 would read as no room). */
  readonly #used = new Map<string, ValueSeries>();
  readonly #sizes = new Map<string, ValueSeries>();
  readonly #limits = new Map<string, Limit>();
  readonly #throttler: ThrottlerUsage;
  #throttlerUsage: ValueSeries | undefined;
  readonly #guard: RateLimitGuard;
  readonly #refused: Readonly<Record<429 | 418, ValueSeries>>;

  constructor(exchange: string, metrics: ExchangeMetrics, clock: () => number, blocks: RiskBlocks, share?: number) {
    this.#exchange = exchange;
    this.#metrics = metrics;
    this.#reader = rateLimitReader(exchange);
    this.#clock = clock;
    this.#throttler = new ThrottlerUsage(clock);
    this.#guard = new RateLimitGuard(exchange, blocks, share);
    this.#refused = { 429: metrics.refusals(exchange, 429), 418: metrics.refusals(exchange, 418) };
    metrics.observeRetryAfter(() => [{ value: this.retryAfterSeconds(), attributes: { [Attr.exchange]: exchange } }]);
  }

  /** Whether a limit's usage holds the venue throttled now (its health is degraded). */
  get throttled(): boolean {
    return this.#guard.throttled;
  }

  /** One request ccxt's throttler admitted (`throttle(cost)` of `exchange`). */
  throttle(exchange: Record<string, unknown>, cost: unknown): void {
    this.#throttler.record(exchange, cost);
    const usage = this.#throttler.usage();
    if (usage === undefined) return;
    this.#throttlerUsage ??= this.#metrics.rateLimitUsage(this.#exchange, CCXT_THROTTLER);
    this.#throttlerUsage.value = usage;
    this.#decide();
  }

  /** Every limit known, its latest usage and size; ccxt's throttler last. */
  limits(): { limit: string; used: number; size: number | null; usage: number | null }[] {
    const views: { limit: string; used: number; size: number | null; usage: number | null }[] = [];
    for (const [limit, known] of this.#limits) if (known.used !== undefined) views.push({ limit, used: known.used, size: known.size ?? null, usage: usageOf(known) ?? null });
    const throttler = this.#throttler.usage();
    if (throttler !== undefined) views.push({ limit: CCXT_THROTTLER, used: throttler, size: 1, usage: throttler });
    return views;
  }

  /** Reads one response: its usage headers, and for a 429 or 418 its Retry-After. */
  response(status: number, headers: readonly [string, string][], template: string): void {
    for (const reading of this.#reader.headers(headers, template)) {
      this.#series(this.#used, reading.limit, () => this.#metrics.rateLimitUsed(this.#exchange, reading.limit)).value = reading.used;
      if (reading.size !== undefined) this.#series(this.#sizes, reading.limit, () => this.#metrics.rateLimitLimit(this.#exchange, reading.limit)).value = reading.size;
      this.#note(reading.limit, reading.used, reading.size);
    }
    if (status === 429 || status === 418) {
      this.#refused[status].value += 1;
      const retryAfter = Number(headers.find(([key]) => key === 'retry-after')?.[1]);
      const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : UNSAID_RETRY_AFTER_SECONDS[status];
      this.#refusal = { status, until: this.#clock() + seconds * 1000 };
    }
    this.#decide();
  }

  /** Whether responses to `template` publish limit sizes in their body (Binance's exchangeInfo). */
  readsBody(template: string): boolean {
    return this.#reader.readsBody(template);
  }

  /** Reads the limit sizes such a response body publishes. */
  body(body: unknown): void {
    for (const { limit, size } of this.#reader.body(body)) {
      this.#series(this.#sizes, limit, () => this.#metrics.rateLimitLimit(this.#exchange, limit)).value = size;
      this.#note(limit, undefined, size);
    }
    this.#decide();
  }

  /** Keeps a limit's latest usage and size, and its share used. */
  #note(limit: string, used: number | undefined, size: number | undefined): void {
    let known = this.#limits.get(limit);
    if (known === undefined) {
      if (this.#limits.size >= MAX_LIMITS) return;
      known = { used: undefined, size: undefined, usage: this.#metrics.rateLimitUsage(this.#exchange, limit) };
      this.#limits.set(limit, known);
    }
    if (used !== undefined) known.used = used;
    if (size !== undefined && size > 0) known.size = size;
    const usage = usageOf(known);
    if (usage !== undefined) known.usage.value = usage;
  }

  #decide(): void {
    this.#guard.update(this.#usages(), this.activeRefusal());
  }

  *#usages(): Generator<LimitUsage> {
    for (const [limit, known] of this.#limits) {
      const usage = usageOf(known);
      if (usage !== undefined) yield { limit, usage };
    }
    // ccxt's throttler is left out: see CCXT_THROTTLER.
  }

  #series(cache: Map<string, ValueSeries>, limit: string, make: () => ValueSeries): ValueSeries {
    let series = cache.get(limit);
    if (series === undefined) {
      series = make();
      // Limits are a handful per exchange (Bybit: one per endpoint); past that, series are looked up each time.
      if (cache.size < 1000) cache.set(limit, series);
    }
    return series;
  }

  /** The latest refusal while its Retry-After has not passed. */
  activeRefusal(): Refusal | undefined {
    return this.#refusal !== undefined && this.#refusal.until > this.#clock() ? this.#refusal : undefined;
  }

  /** Seconds left of the latest refusal's Retry-After; 0 when none is pending. */
  retryAfterSeconds(): number {
    const refusal = this.activeRefusal();
    return refusal === undefined ? 0 : (refusal.until - this.#clock()) / 1000;
  }
}

/** A limit's share used, once both its usage and its size are known. */
function usageOf(limit: Limit): number | undefined {
  return limit.used === undefined || limit.size === undefined ? undefined : limit.used / limit.size;
}
