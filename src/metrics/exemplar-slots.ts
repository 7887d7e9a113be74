import type { SpanContext } from '@opentelemetry/api';
import { bucketIndex } from './distribution.js';

/**
 * One exemplar: a measurement and the span it belongs to (OTLP's Exemplar, without filtered
 * attributes). The OpenMetrics text renders it on the bucket its value falls in.
 */
export interface PointExemplar {
  readonly value: number;
  /** When it was taken, in epoch milliseconds. */
  readonly timeMillis: number;
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * The exemplars of one histogram series: one slot per bucket, the latest wins. Kept in plain
 * arrays made once, so keeping an exemplar is a binary search and four assignments (the ids
 * are the span context's own strings), and a series that never gets one costs nothing: a
 * series holds slots only from its first exemplar on.
 */
export class ExemplarSlots {
  readonly #boundaries: readonly number[];
  /** '' where a bucket has no exemplar yet. */
  readonly #traceIds: string[];
  readonly #spanIds: string[];
  readonly #values: Float64Array;
  readonly #times: Float64Array;

  constructor(boundaries: readonly number[]) {
    this.#boundaries = boundaries;
    this.#traceIds = new Array<string>(boundaries.length + 1).fill('');
    this.#spanIds = new Array<string>(boundaries.length + 1).fill('');
    this.#values = new Float64Array(boundaries.length + 1);
    this.#times = new Float64Array(boundaries.length + 1);
  }

  /** Makes `value`, measured in the span of `trace` at `timeMillis` (epoch ms), its bucket's exemplar. */
  keep(value: number, trace: SpanContext, timeMillis: number): void {
    const bucket = bucketIndex(this.#boundaries, value);
    this.#traceIds[bucket] = trace.traceId;
    this.#spanIds[bucket] = trace.spanId;
    this.#values[bucket] = value;
    this.#times[bucket] = timeMillis;
  }

  /** The exemplars held, lowest bucket first, as plain objects (a copy: later ones do not change it). */
  collect(): PointExemplar[] {
    const exemplars: PointExemplar[] = [];
    for (let i = 0; i < this.#traceIds.length; i++) {
      const traceId = this.#traceIds[i] as string;
      if (traceId === '') continue;
      exemplars.push({ value: this.#values[i] as number, timeMillis: this.#times[i] as number, traceId, spanId: this.#spanIds[i] as string });
    }
    return exemplars;
  }
}
