import { Distribution } from '../metrics/distribution.js';

/**
 * A quantile over a sliding time window: the window is split into slots, each a fixed-bucket
 * Distribution (a binary search and a few additions per value, no allocation); the oldest slot
 * is cleared as time moves past it. So "the p99 of the last 5 minutes" costs a merge of ten
 * small arrays when it is read, and nothing that grows.
 */
export class SlidingQuantile {
  readonly #slots: Distribution[];
  readonly #slotMillis: number;
  readonly #starts: Float64Array;
  readonly #merged: Distribution;

  constructor(boundaries: readonly number[], windowMillis: number, slots = 10) {
    this.#slots = Array.from({ length: slots }, () => new Distribution(boundaries));
    this.#slotMillis = windowMillis / slots;
    this.#starts = new Float64Array(slots).fill(-Infinity);
    this.#merged = new Distribution(boundaries);
  }

  /** Records `value` at `now` (epoch ms). */
  record(value: number, now: number): void {
    this.#slotAt(now).record(value);
  }

  /** The q-quantile of the values of the window ending at `now`, and how many there were. */
  quantile(q: number, now: number): { readonly value: number; readonly count: number } {
    const merged = this.#merged;
    merged.counts.fill(0);
    merged.count = 0;
    merged.sum = 0;
    merged.min = Infinity;
    merged.max = -Infinity;
    const oldest = now - this.#slotMillis * this.#slots.length;
    this.#slots.forEach((slot, i) => {
      if ((this.#starts[i] as number) > oldest) merged.mergeFrom(slot);
    });
    return { value: merged.quantile(q), count: merged.count };
  }

  #slotAt(now: number): Distribution {
    const index = Math.floor(now / this.#slotMillis) % this.#slots.length;
    const start = Math.floor(now / this.#slotMillis) * this.#slotMillis;
    const slot = this.#slots[index] as Distribution;
    if (this.#starts[index] !== start) {
      slot.counts.fill(0);
      slot.count = 0;
      slot.sum = 0;
      slot.min = Infinity;
      slot.max = -Infinity;
      this.#starts[index] = start;
    }
    return slot;
  }
}
