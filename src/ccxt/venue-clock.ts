import { clockDistanceMillis, knownClockOffsetMillis } from '../exchange-health-view.js';
import type { RiskBlocks } from '../risk-blocks.js';
import { ClockEstimate, type ClockReading } from './clock-estimate.js';
import type { ExchangeMetrics } from './exchange-metrics.js';

/** The recvWindow Binance applies when a request names none, ms. */
export const DEFAULT_RECV_WINDOW_MILLIS = 5_000;

/** What the clock says of the exchange's health. */
export interface ClockFinding {
  readonly status: 'degraded' | 'unhealthy';
  readonly reason: string;
}

/** The clock offset to one exchange, and a view of it for the API. */
export interface ClockView extends ClockReading {
  /** {@link clockDistanceMillis} of the reading. */
  readonly distanceMillis: number;
  readonly recvWindowMillis: number;
}

/**
 * The clock of one venue: the offset and its uncertainty (gauges, in seconds; the uncertainty
 * is NaN while the offset is a lower bound from WebSocket stamps alone), the `exchange:<id>`
 * health finding (degraded at |offset| ≥ recvWindow / 4, unhealthy at ≥ / 2), and the
 * governor's `clock:<exchange>` block: a halt once |offset| + uncertainty reaches recvWindow / 2,
 * before signed requests start failing, lifted once it is below recvWindow / 4. A lower bound
 * counts for what it proves ({@link knownClockOffsetMillis}).
 */
export class VenueClock {
  readonly #exchange: string;
  readonly #metrics: ExchangeMetrics;
  readonly #blocks: RiskBlocks;
  readonly #estimate = new ClockEstimate();
  #series: ReturnType<ExchangeMetrics['clock']> | undefined;
  #halted = false;
  /** The recvWindow signed requests carry (ccxt's `options.recvWindow`), ms. */
  recvWindowMillis = DEFAULT_RECV_WINDOW_MILLIS;

  constructor(exchange: string, metrics: ExchangeMetrics, blocks: RiskBlocks) {
    this.#exchange = exchange;
    this.#metrics = metrics;
    this.#blocks = blocks;
  }

  /** A REST response stamped `exchangeTime` (ms, with that resolution) for a request sent at `sentAt`, received at `receivedAt`. */
  response(exchangeTime: number, sentAt: number, receivedAt: number, resolutionMillis?: number): void {
    if (this.#estimate.response(exchangeTime, sentAt, receivedAt, resolutionMillis)) this.#update();
  }

  /** A WebSocket event stamped `exchangeTime`, received at `receivedAt`. */
  event(exchangeTime: number, receivedAt: number): void {
    if (this.#estimate.event(exchangeTime, receivedAt)) this.#update();
  }

  /** The estimate now, with the recvWindow it is judged against; null before the first measurement. */
  view(): ClockView | null {
    const current = this.#estimate.current;
    return current === undefined ? null : { ...current, distanceMillis: clockDistanceMillis(current), recvWindowMillis: this.recvWindowMillis };
  }

  /** Degraded at |offset| ≥ recvWindow / 4, unhealthy at ≥ recvWindow / 2; undefined when fine or unknown. */
  finding(): ClockFinding | undefined {
    const current = this.#estimate.current;
    if (current === undefined) return undefined;
    const offset = knownClockOffsetMillis(current);
    if (offset < this.recvWindowMillis / 4) return undefined;
    const ahead = current.offsetMillis > 0 ? 'ahead of' : 'behind';
    const reason = `${this.#exchange}: its clock is ${Math.round(offset)} ms ${ahead} ours (recvWindow ${this.recvWindowMillis} ms)`;
    return { status: offset >= this.recvWindowMillis / 2 ? 'unhealthy' : 'degraded', reason };
  }

  #update(): void {
    const current = this.#estimate.current;
    if (current === undefined) return;
    this.#series ??= this.#metrics.clock(this.#exchange);
    this.#series.offset.value = current.offsetMillis / 1000;
    this.#series.uncertainty.value = current.uncertaintyMillis === null ? NaN : current.uncertaintyMillis / 1000;
    const error = clockDistanceMillis(current);
    const key = `clock:${this.#exchange}`;
    if (error >= this.recvWindowMillis / 2) this.#halted = true;
    else if (error < this.recvWindowMillis / 4) this.#halted = false;
    if (this.#halted) this.#blocks.set(key, { exchange: this.#exchange, level: 'halt', reason: `clock offset at half the recvWindow of ${this.recvWindowMillis} ms or more: signed requests would fail` });
    else this.#blocks.clear(key);
  }
}
