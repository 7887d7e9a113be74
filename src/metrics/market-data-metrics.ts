import { Attr, Instruments, LATENCY_BUCKETS_SECONDS } from '../conventions.js';
import { type FamilyContext, HistogramFamily, type HistogramSeries, ValueFamily, type ValueSeries } from './instrument-families.js';
import { describeValue } from './describe-value.js';
import { isLabelValue, labelKey } from './label-values.js';
import type { MeasurementGuard } from './measurement-guard.js';
import { isAmount, isCount, numberProblem } from './numbers.js';
import { observeInstrument } from './observable.js';

/** Market-data counters for one exchange and symbol. */
export interface BoundMarketData {
  /**
   * Messages received now; also resets this feed's staleness to 0. `count` defaults to 1.
   * With the message's exchange timestamp (epoch ms), records its receive latency too.
   */
  message(count?: number, exchangeTimestampMs?: number): void;
}

/** An exchange connection as the snapshot reports it. */
export interface ExchangeView {
  readonly exchange: string;
  readonly connected: boolean;
  /** Seconds since the newest message on any of this exchange's feeds; null before the first. */
  readonly stalenessSeconds: number | null;
  readonly messages: number;
}

interface Feed {
  readonly exchange: string;
  readonly symbol: string;
  readonly messages: ValueSeries;
  /** Clock time (ms) of the last message, or NaN before the first. */
  lastMessageAt: number;
}

/** Milliseconds since the epoch; injectable so tests control time. */
export type Clock = () => number;

/**
 * Market-data message counts, feed staleness and exchange connection state. Staleness is
 * derived at collection time from the last message's clock time, so a silent feed shows it
 * without anyone calling us.
 */
export class MarketDataMetrics {
  readonly #messages: ValueFamily;
  readonly #connected: ValueFamily;
  readonly #reconnects: ValueFamily;
  readonly #latency: HistogramFamily;
  readonly #feeds = new Map<string, BoundMarketData & Feed>();
  readonly #guard: MeasurementGuard;
  readonly #clock: Clock;
  readonly #limit: number;

  constructor(ctx: FamilyContext, clock: Clock) {
    this.#guard = ctx.guard;
    this.#clock = clock;
    this.#limit = ctx.cardinalityLimit;
    this.#messages = new ValueFamily(ctx, Instruments.marketDataMessages);
    this.#connected = new ValueFamily(ctx, Instruments.exchangeConnected);
    this.#reconnects = new ValueFamily(ctx, Instruments.exchangeReconnects);
    this.#latency = new HistogramFamily(ctx, Instruments.marketDataLatency, LATENCY_BUCKETS_SECONDS);
    observeInstrument(ctx.meter, Instruments.marketDataStaleness, (result) => {
      const now = this.#clock();
      for (const feed of this.#feeds.values()) {
        if (!Number.isNaN(feed.lastMessageAt)) result.observe((now - feed.lastMessageAt) / 1000, feed.messages.attributes);
      }
    });
  }

  /** Resolves the labels of one feed once; the returned handle only records. */
  for(exchange: string, symbol: string): BoundMarketData {
    const key = labelKey(exchange, symbol);
    const known = key === undefined ? undefined : this.#feeds.get(key);
    if (known !== undefined) return known;
    if (key === undefined || !isLabelValue(exchange) || !isLabelValue(symbol)) {
      const detail = `exchange ${describeValue(exchange)} / symbol ${describeValue(symbol)} is not a valid label value`;
      return { message: () => this.#guard.reject(Instruments.marketDataMessages.name, 'invalid_label', detail) };
    }
    const messages = this.#messages.series(key, () => ({ [Attr.exchange]: exchange, [Attr.symbol]: symbol }));
    const latency: HistogramSeries = this.#latency.series(exchange, () => ({ [Attr.exchange]: exchange }));
    const latencyFamily = this.#latency;
    const guard = this.#guard;
    const clock = this.#clock;
    const feed: BoundMarketData & Feed = {
      exchange,
      symbol,
      messages,
      lastMessageAt: NaN,
      message(count = 1, exchangeTimestampMs?: number) {
        if (!isCount(count)) {
          guard.reject(Instruments.marketDataMessages.name, numberProblem(count), `count ${describeValue(count)}`);
          return;
        }
        messages.value += count;
        const now = clock();
        feed.lastMessageAt = now;
        if (exchangeTimestampMs === undefined) return;
        // Clocks drift: a timestamp slightly ahead of ours is a zero latency, not a refusal.
        if (isAmount(exchangeTimestampMs)) latencyFamily.record(latency, Math.max(0, now - exchangeTimestampMs) / 1000);
        else guard.reject(Instruments.marketDataLatency.name, numberProblem(exchangeTimestampMs), `timestamp ${describeValue(exchangeTimestampMs)}`);
      },
    };
    // Staleness is kept per feed we hold a message series for; past the limit the feed still
    // counts (into the overflow series) but is not tracked for staleness.
    if (this.#feeds.size < this.#limit) this.#feeds.set(key, feed);
    return feed;
  }

  /** Marks `exchange` connected (1) or disconnected (0). */
  setConnected(exchange: string, connected: boolean): void {
    if (!isLabelValue(exchange)) {
      this.#guard.reject(Instruments.exchangeConnected.name, 'invalid_label', `exchange ${describeValue(exchange)}`);
      return;
    }
    this.#connected.series(exchange, () => ({ [Attr.exchange]: exchange })).value = connected ? 1 : 0;
  }

  /** Counts one reconnection to `exchange`'s feed. */
  reconnected(exchange: string): void {
    if (!isLabelValue(exchange)) {
      this.#guard.reject(Instruments.exchangeReconnects.name, 'invalid_label', `exchange ${describeValue(exchange)}`);
      return;
    }
    this.#reconnects.series(exchange, () => ({ [Attr.exchange]: exchange })).value += 1;
  }

  /** Every exchange seen through a feed or a connection update. */
  exchanges(): ExchangeView[] {
    const now = this.#clock();
    const views = new Map<string, { connected: boolean; newest: number; messages: number }>();
    for (const s of this.#connected.all()) {
      views.set(String(s.attributes[Attr.exchange]), { connected: s.value === 1, newest: NaN, messages: 0 });
    }
    for (const feed of this.#feeds.values()) {
      const view = views.get(feed.exchange) ?? { connected: false, newest: NaN, messages: 0 };
      view.messages += feed.messages.value;
      if (!Number.isNaN(feed.lastMessageAt) && !(feed.lastMessageAt <= view.newest)) view.newest = feed.lastMessageAt;
      views.set(feed.exchange, view);
    }
    return [...views].map(([exchange, v]) => ({
      exchange,
      connected: v.connected,
      stalenessSeconds: Number.isNaN(v.newest) ? null : (now - v.newest) / 1000,
      messages: v.messages,
    }));
  }
}
