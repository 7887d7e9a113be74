import type { MeasurementGuard } from './measurement-guard.js';

/**
 * The series one instrument holds, keyed by a string the caller builds from the attribute
 * values. Bounded the way the OTel SDK bounds it, overflow series included: `limit - 1`
 * distinct keys, then new keys share one overflow series (labelled
 * `otel.metric.overflow=true` by its creator, the OTel convention) and each such lookup is
 * counted in `trading.telemetry.cardinality_overflow`.
 */
export class SeriesRegistry<S> {
  readonly #series = new Map<string, S>();
  readonly #instrument: string;
  readonly #limit: number;
  readonly #guard: MeasurementGuard;
  readonly #createOverflow: () => S;
  #overflowSeries: S | undefined;

  constructor(instrument: string, limit: number, guard: MeasurementGuard, createOverflow: () => S) {
    this.#instrument = instrument;
    this.#limit = limit;
    this.#guard = guard;
    this.#createOverflow = createOverflow;
  }

  /** The series already held for `key`, if any. */
  find(key: string): S | undefined {
    return this.#series.get(key);
  }

  /** The series for `key`, made by `create()` on first use. */
  get(key: string, create: () => S): S {
    const existing = this.#series.get(key);
    if (existing !== undefined) return existing;
    if (this.#series.size >= this.#limit - 1) {
      this.#guard.overflow(this.#instrument);
      this.#overflowSeries ??= this.#createOverflow();
      return this.#overflowSeries;
    }
    const created = create();
    this.#series.set(key, created);
    return created;
  }

  /** Every series, the overflow one last. */
  *values(): IterableIterator<S> {
    yield* this.#series.values();
    if (this.#overflowSeries !== undefined) yield this.#overflowSeries;
  }
}
