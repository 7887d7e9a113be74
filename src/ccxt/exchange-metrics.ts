import type { Attributes } from '@opentelemetry/api';
import { Attr, type InstrumentConvention, Instruments, LATENCY_BUCKETS_SECONDS } from '../conventions.js';
import { describeValue } from '../metrics/describe-value.js';
import { type FamilyContext, HistogramFamily, type HistogramSeries, ValueFamily, type ValueSeries } from '../metrics/instrument-families.js';
import { isLabelValue } from '../metrics/label-values.js';
import { observeInstrument } from '../metrics/observable.js';

/** A gauge computed at collection: each source yields its current values. */
export type GaugeSource = () => Iterable<{ readonly value: number; readonly attributes: Attributes }>;

/** The series of one order book's health. */
export interface BookSeries {
  readonly gaps: ValueSeries;
  readonly resyncs: ValueSeries;
  readonly crossed: ValueSeries;
  readonly locked: ValueSeries;
  readonly silent: ValueSeries;
}

/** Series keys remembered as checked, at most (past it, keys are checked each time). */
const KNOWN_KEYS = 10_000;

/** A series that swallows what it is given: what an invalid label gets (it is counted as refused once bound). */
const REFUSED: ValueSeries = { attributes: {}, value: 0 };

/**
 * The exchange-client instruments of one facade (request duration, errors, throttling, rate
 * limits, WebSocket subscriptions), recorded through the facade's own instrument context: the
 * same fast path, cardinality limit and refused-measurement accounting as its order metrics.
 * One per facade, however many exchanges are instrumented on it.
 */
export class ExchangeMetrics {
  readonly #ctx: FamilyContext;
  readonly #requestDuration: HistogramFamily;
  readonly #errors: ValueFamily;
  readonly #throttleWait: HistogramFamily;
  readonly #rateLimitUsed: ValueFamily;
  readonly #rateLimitLimit: ValueFamily;
  readonly #refusals: ValueFamily;
  readonly #streamMessages: ValueFamily;
  readonly #rateLimitUsage: ValueFamily;
  readonly #clockOffset: ValueFamily;
  readonly #clockUncertainty: ValueFamily;
  readonly #bookGaps: ValueFamily;
  readonly #bookResyncs: ValueFamily;
  readonly #bookCrossed: ValueFamily;
  readonly #bookSilent: ValueFamily;
  readonly #retryAfter: GaugeSource[] = [];
  readonly #streamAge: GaugeSource[] = [];
  readonly #bookAge: GaugeSource[] = [];
  /** Series keys already checked: valid (true) or refused (false). */
  readonly #keys = new Map<string, boolean>();

  constructor(ctx: FamilyContext) {
    this.#ctx = ctx;
    this.#requestDuration = new HistogramFamily(ctx, Instruments.exchangeRequestDuration, LATENCY_BUCKETS_SECONDS);
    this.#errors = new ValueFamily(ctx, Instruments.exchangeErrors);
    this.#throttleWait = new HistogramFamily(ctx, Instruments.throttleWait, LATENCY_BUCKETS_SECONDS);
    this.#rateLimitUsed = new ValueFamily(ctx, Instruments.rateLimitUsed);
    this.#rateLimitLimit = new ValueFamily(ctx, Instruments.rateLimitLimit);
    this.#refusals = new ValueFamily(ctx, Instruments.rateLimitRefusals);
    this.#streamMessages = new ValueFamily(ctx, Instruments.streamMessages);
    this.#rateLimitUsage = new ValueFamily(ctx, Instruments.rateLimitUsage);
    this.#clockOffset = new ValueFamily(ctx, Instruments.clockOffset);
    this.#clockUncertainty = new ValueFamily(ctx, Instruments.clockUncertainty);
    this.#bookGaps = new ValueFamily(ctx, Instruments.orderBookGaps);
    this.#bookResyncs = new ValueFamily(ctx, Instruments.orderBookResyncs);
    this.#bookCrossed = new ValueFamily(ctx, Instruments.orderBookCrossed);
    this.#bookSilent = new ValueFamily(ctx, Instruments.orderBookSilent);
    const observeAll = (sources: readonly GaugeSource[]) => (result: { observe(value: number, attributes: Attributes): void }) => {
      for (const source of sources) for (const { value, attributes } of source()) result.observe(value, attributes);
    };
    observeInstrument(ctx.meter, Instruments.rateLimitRetryAfter, observeAll(this.#retryAfter));
    observeInstrument(ctx.meter, Instruments.streamAge, observeAll(this.#streamAge));
    observeInstrument(ctx.meter, Instruments.orderBookAge, observeAll(this.#bookAge));
  }

  /** Records one unified call's duration. */
  requestDuration(exchange: string, method: string, outcome: string, seconds: number): void {
    const series = this.#histogramSeries(this.#requestDuration, Instruments.exchangeRequestDuration, [Attr.exchange, exchange, Attr.exchangeMethod, method, Attr.outcome, outcome]);
    if (series !== undefined) this.#requestDuration.record(series, Math.max(0, seconds));
  }

  /** Counts one failed unified call. */
  error(exchange: string, method: string, errorClass: string): void {
    this.#valueSeries(this.#errors, Instruments.exchangeErrors, [Attr.exchange, exchange, Attr.exchangeMethod, method, Attr.errorClass, errorClass]).value += 1;
  }

  /** Records one request's wait in ccxt's throttler. */
  throttleWait(exchange: string, seconds: number): void {
    const series = this.#histogramSeries(this.#throttleWait, Instruments.throttleWait, [Attr.exchange, exchange]);
    if (series !== undefined) this.#throttleWait.record(series, Math.max(0, seconds));
  }

  /** The series holding a rate limit's usage (set it). */
  rateLimitUsed(exchange: string, limit: string): ValueSeries {
    return this.#valueSeries(this.#rateLimitUsed, Instruments.rateLimitUsed, [Attr.exchange, exchange, Attr.rateLimit, limit]);
  }

  /** The series holding a rate limit's size (set it). */
  rateLimitLimit(exchange: string, limit: string): ValueSeries {
    return this.#valueSeries(this.#rateLimitLimit, Instruments.rateLimitLimit, [Attr.exchange, exchange, Attr.rateLimit, limit]);
  }

  /** The series holding a rate limit's share used, 0 to 1 (set it). */
  rateLimitUsage(exchange: string, limit: string): ValueSeries {
    return this.#valueSeries(this.#rateLimitUsage, Instruments.rateLimitUsage, [Attr.exchange, exchange, Attr.rateLimit, limit]);
  }

  /** The series holding the clock offset and its uncertainty to `exchange`, in seconds (set them). */
  clock(exchange: string): { readonly offset: ValueSeries; readonly uncertainty: ValueSeries } {
    const labels = [Attr.exchange, exchange];
    return { offset: this.#valueSeries(this.#clockOffset, Instruments.clockOffset, labels), uncertainty: this.#valueSeries(this.#clockUncertainty, Instruments.clockUncertainty, labels) };
  }

  /** The series of one order book's health (gaps, resyncs, crossed and locked updates: add to them; silent: set it), made at 0. */
  book(exchange: string, symbol: string): BookSeries {
    const labels = [Attr.exchange, exchange, Attr.symbol, symbol];
    return {
      gaps: this.#valueSeries(this.#bookGaps, Instruments.orderBookGaps, labels),
      resyncs: this.#valueSeries(this.#bookResyncs, Instruments.orderBookResyncs, labels),
      crossed: this.#valueSeries(this.#bookCrossed, Instruments.orderBookCrossed, [...labels, Attr.bookCondition, 'crossed']),
      locked: this.#valueSeries(this.#bookCrossed, Instruments.orderBookCrossed, [...labels, Attr.bookCondition, 'locked']),
      silent: this.#valueSeries(this.#bookSilent, Instruments.orderBookSilent, labels),
    };
  }

  /** The series counting the 429s or 418s of `exchange` (made at 0, so alert rules have a series before the first). */
  refusals(exchange: string, status: 429 | 418): ValueSeries {
    return this.#valueSeries(this.#refusals, Instruments.rateLimitRefusals, [Attr.exchange, exchange, Attr.httpStatusCode, status]);
  }

  /** The series counting one subscription's messages; bind it once, add to it per message. */
  streamMessages(exchange: string, stream: string, symbol: string | undefined): ValueSeries {
    const labels = [Attr.exchange, exchange, Attr.stream, stream];
    return this.#valueSeries(this.#streamMessages, Instruments.streamMessages, symbol === undefined ? labels : [...labels, Attr.symbol, symbol]);
  }

  /** Adds a source of `trading.exchange.rate_limit.retry_after` values. */
  observeRetryAfter(source: GaugeSource): void {
    this.#retryAfter.push(source);
  }

  /** Adds a source of `trading.exchange.stream.age` values. */
  observeStreamAge(source: GaugeSource): void {
    this.#streamAge.push(source);
  }

  /** Adds a source of `trading.order_book.age` values. */
  observeBookAge(source: GaugeSource): void {
    this.#bookAge.push(source);
  }

  #valueSeries(family: ValueFamily, convention: InstrumentConvention, labels: readonly (string | number)[]): ValueSeries {
    const key = this.#key(convention, labels);
    return key === undefined ? REFUSED : family.series(key, () => attributesOf(labels));
  }

  #histogramSeries(family: HistogramFamily, convention: InstrumentConvention, labels: readonly (string | number)[]): HistogramSeries | undefined {
    const key = this.#key(convention, labels);
    return key === undefined ? undefined : family.series(key, () => attributesOf(labels));
  }

  /**
   * The series key of `labels` (attribute, value, attribute, value, …), or undefined (counted as
   * refused) when a string value is not a valid label. Keys seen before are a lookup.
   */
  #key(convention: InstrumentConvention, labels: readonly (string | number)[]): string | undefined {
    const key = labels.join('\u001f');
    const known = this.#keys.get(key);
    if (known !== undefined) return known ? key : undefined;
    for (let i = 1; i < labels.length; i += 2) {
      const value = labels[i];
      if (typeof value !== 'string' || isLabelValue(value)) continue;
      this.#ctx.guard.reject(convention.name, 'invalid_label', `${describeValue(value)} is not a valid label value`);
      if (this.#keys.size < KNOWN_KEYS) this.#keys.set(key, false);
      return undefined;
    }
    if (this.#keys.size < KNOWN_KEYS) this.#keys.set(key, true);
    return key;
  }
}

/** `[attribute, value, …]` as attributes. */
function attributesOf(labels: readonly (string | number)[]): Attributes {
  const attributes: Attributes = {};
  for (let i = 0; i < labels.length; i += 2) attributes[String(labels[i])] = labels[i + 1];
  return attributes;
}

const perFacade = new WeakMap<FamilyContext, ExchangeMetrics>();

/** The exchange instruments of the facade whose instrument context is `ctx`, created on first use. */
export function exchangeMetricsOf(ctx: FamilyContext): ExchangeMetrics {
  let metrics = perFacade.get(ctx);
  if (metrics === undefined) {
    metrics = new ExchangeMetrics(ctx);
    perFacade.set(ctx, metrics);
  }
  return metrics;
}
