import { TelemetryConfigError } from '../errors.js';
import { type HistogramData, intervalDistribution } from '../metrics/histogram-data.js';
import type { TelemetrySnapshot } from '../metrics/snapshot.js';

/** The series the history keeps, one value per sample. Rates are per second over the sample interval. */
export const HISTORY_COLUMNS = [
  't',
  'placedRate',
  'filledRate',
  'rejectedRate',
  'cancelledRate',
  'activeOrders',
  'fillRate',
  'latencyP50',
  'latencyP95',
  'latencyP99',
  'pnlRealized',
  'pnlUnrealized',
  'messageRate',
  'exchangesConnected',
  'exchanges',
  'rejectedMeasurements',
] as const;
export type HistoryColumn = (typeof HISTORY_COLUMNS)[number];

/**
 * Most samples one history holds, whatever its options: 24 h at 1 s, or 7 days at 7 s. With
 * {@link HISTORY_COLUMNS} columns of 8 bytes that caps the samples at 16 × 86,400 × 8 =
 * 11,059,200 bytes (about 10.5 MiB).
 */
export const MAX_HISTORY_SAMPLES = 86_400;

/** Options of {@link MetricsHistory} (`dashboard.history` in startTelemetry). */
export interface HistoryOptions {
  /** How long samples are kept, in seconds. Default 3600 (1 h). */
  readonly retentionSeconds?: number;
  /** Time between samples, in seconds. Default 1. */
  readonly resolutionSeconds?: number;
}

/** Samples in column form, oldest first; `t` is epoch ms, latencies are seconds (NaN without orders). */
export type HistorySeries = Record<HistoryColumn, number[]>;

/**
 * An in-process ring buffer of condensed snapshots for the dashboard's charts. Memory is
 * allocated once and never grows: `columns × capacity × 8` bytes, with capacity =
 * retention / resolution (16 × 3600 × 8 = 460,800 bytes for 1 h at 1 s), and capacity is at
 * most {@link MAX_HISTORY_SAMPLES}. Latency percentiles are per interval, computed from the
 * difference of cumulative histograms.
 */
export class MetricsHistory {
  /** Samples kept: retention ÷ resolution, rounded up. */
  readonly capacity: number;
  /** Seconds between samples. */
  readonly resolutionSeconds: number;
  readonly #columns: Record<HistoryColumn, Float64Array>;
  #next = 0;
  #size = 0;
  #previous: { snapshot: TelemetrySnapshot; latency: HistogramData; messages: number } | undefined;

  constructor(options: HistoryOptions = {}) {
    this.resolutionSeconds = options.resolutionSeconds ?? 1;
    const retention = options.retentionSeconds ?? 3600;
    if (!(this.resolutionSeconds > 0 && Number.isFinite(this.resolutionSeconds))) {
      throw new TelemetryConfigError('dashboard.history.resolutionSeconds', `must be a finite number of seconds > 0 (got ${String(options.resolutionSeconds)})`);
    }
    if (!(retention >= this.resolutionSeconds && Number.isFinite(retention))) {
      throw new TelemetryConfigError('dashboard.history.retentionSeconds', `must be finite and at least resolutionSeconds (${this.resolutionSeconds}) (got ${String(options.retentionSeconds)})`);
    }
    this.capacity = Math.ceil(retention / this.resolutionSeconds);
    if (this.capacity > MAX_HISTORY_SAMPLES) {
      throw new TelemetryConfigError(
        'dashboard.history.retentionSeconds',
        `${retention} s at ${this.resolutionSeconds} s is ${this.capacity} samples, over the ${MAX_HISTORY_SAMPLES} a history holds: shorten the retention or raise resolutionSeconds`,
      );
    }
    this.#columns = Object.fromEntries(HISTORY_COLUMNS.map((c) => [c, new Float64Array(this.capacity)])) as Record<HistoryColumn, Float64Array>;
  }

  /** Bytes held by the samples: fixed at construction. */
  get bytes(): number {
    return HISTORY_COLUMNS.length * this.capacity * Float64Array.BYTES_PER_ELEMENT;
  }

  /** Samples held now, at most {@link capacity}. */
  get size(): number {
    return this.#size;
  }

  /** Records one sample from the current snapshot and cumulative latency histogram. */
  record(snapshot: TelemetrySnapshot, latency: HistogramData): void {
    const messages = snapshot.exchanges.reduce((sum, e) => sum + e.messages, 0);
    const previous = this.#previous;
    const seconds = previous === undefined ? 0 : (snapshot.timestamp - previous.snapshot.timestamp) / 1000;
    const rate = (now: number, before: number | undefined): number => (seconds > 0 && before !== undefined ? Math.max(0, now - before) / seconds : 0);
    const o = snapshot.orders;
    const p = previous?.snapshot.orders;
    const placed = o.placed - (p?.placed ?? 0);
    const interval = intervalDistribution(latency, previous?.latency);
    const row: Record<HistoryColumn, number> = {
      t: snapshot.timestamp,
      placedRate: rate(o.placed, p?.placed),
      filledRate: rate(o.filled, p?.filled),
      rejectedRate: rate(o.rejected, p?.rejected),
      cancelledRate: rate(o.cancelled, p?.cancelled),
      activeOrders: o.active,
      fillRate: placed > 0 ? (o.filled - (p?.filled ?? 0)) / placed : NaN,
      latencyP50: interval.quantile(0.5),
      latencyP95: interval.quantile(0.95),
      latencyP99: interval.quantile(0.99),
      // Net of fees, so realized + unrealized is the total the P&L card shows.
      pnlRealized: snapshot.pnl.realizedNet,
      pnlUnrealized: snapshot.pnl.unrealized,
      messageRate: rate(messages, previous?.messages),
      exchangesConnected: snapshot.exchanges.filter((e) => e.connected).length,
      exchanges: snapshot.exchanges.length,
      rejectedMeasurements: snapshot.telemetry.rejectedMeasurements,
    };
    for (const column of HISTORY_COLUMNS) this.#columns[column][this.#next] = row[column];
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
    this.#previous = { snapshot, latency, messages };
  }

  /** Samples newer than `sinceMillis` (all by default), oldest first. */
  series(sinceMillis = -Infinity): HistorySeries {
    const out = Object.fromEntries(HISTORY_COLUMNS.map((c) => [c, [] as number[]])) as HistorySeries;
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    for (let i = 0; i < this.#size; i++) {
      const index = (start + i) % this.capacity;
      if ((this.#columns.t[index] as number) <= sinceMillis) continue;
      for (const column of HISTORY_COLUMNS) out[column].push(this.#columns[column][index] as number);
    }
    return out;
  }

  /** The newest sample, or undefined before the first. */
  latest(): Record<HistoryColumn, number> | undefined {
    if (this.#size === 0) return undefined;
    const index = (this.#next - 1 + this.capacity) % this.capacity;
    return Object.fromEntries(HISTORY_COLUMNS.map((c) => [c, this.#columns[c][index] as number])) as Record<HistoryColumn, number>;
  }
}
