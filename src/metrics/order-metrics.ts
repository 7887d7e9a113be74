import { Attr, Instruments, OVERFLOW_ATTRIBUTE, type OrderStage, type SlippageDirection } from '../conventions.js';
import type { OrderTotals } from './bound-order-metrics.js';
import type { Distribution } from './distribution.js';
import type { FamilyContext } from './instrument-families.js';
import { observeInstrument } from './observable.js';
import type { TracedOrderMetrics } from './order-exemplars.js';
import { type OrderKey, orderKeyAttributes, orderKeyProblem, orderKeyString } from './order-key.js';
import { OrderFamilies, OrderStream } from './order-stream.js';
import { OrderStreamIndex } from './order-stream-index.js';
import { refusedOrderStream } from './refused-order-stream.js';
import { SeriesRegistry } from './series-registry.js';

/**
 * Order counters and latency histograms, per order stream. Bind once with
 * {@link OrderMetrics.for} and keep the handle; calling `for()` per order also works and
 * costs two map lookups.
 */
export class OrderMetrics {
  readonly #families: OrderFamilies;
  readonly #streams: SeriesRegistry<OrderStream>;
  readonly #index = new OrderStreamIndex<OrderStream>();

  constructor(ctx: FamilyContext) {
    const families = new OrderFamilies(ctx, ctx.guard);
    this.#families = families;
    this.#streams = new SeriesRegistry(
      Instruments.activeOrders.name,
      ctx.cardinalityLimit,
      ctx.guard,
      () => new OrderStream(families, { [OVERFLOW_ATTRIBUTE]: true }),
    );
    observeInstrument(ctx.meter, Instruments.activeOrders, (result) => {
      for (const stream of this.#streams.values()) result.observe(stream.active(), stream.attributes);
    });
  }

  /** Resolves the labels of `key` once; the returned handle only records (and, for order traces, keeps exemplars). */
  for(key: OrderKey): TracedOrderMetrics {
    const indexed = typeof key === 'object' && (key as OrderKey | null) !== null ? this.#index.find(key) : undefined;
    if (indexed !== undefined) return indexed;
    const streamKey = orderKeyString(key);
    const problem = orderKeyProblem(key);
    if (problem !== undefined || streamKey === undefined) {
      return refusedOrderStream(this.#families.guard, problem ?? { reason: 'invalid_label', detail: 'order key fields must be strings' });
    }
    const stream = this.#streams.get(streamKey, () => new OrderStream(this.#families, Object.freeze(orderKeyAttributes(key))));
    // The overflow stream is not indexed: each lookup that lands there is counted.
    if (this.#streams.find(streamKey) === stream) this.#index.add(key, stream);
    return stream;
  }

  /** Totals across every stream. */
  totals(): OrderTotals {
    const totals = { placed: 0, partiallyFilled: 0, filled: 0, cancelled: 0, expired: 0, rejected: 0, active: 0 };
    for (const stream of this.#streams.values()) {
      const c = stream.counts;
      totals.placed += c.placed;
      totals.partiallyFilled += c.partiallyFilled;
      totals.filled += c.filled;
      totals.cancelled += c.cancelled;
      totals.expired += c.expired;
      totals.rejected += c.rejected;
      totals.active += stream.active();
    }
    return totals;
  }

  /** Order durations (creation to terminal status) across every exchange and status. */
  orderDurations(): Distribution {
    return this.#families.orderDuration.merged();
  }

  /** Stage durations of one stage across exchanges. */
  stageDurations(stage: OrderStage): Distribution {
    return this.#families.stageDuration.merged((attributes) => attributes[Attr.orderStage] === stage);
  }

  /** Slippage magnitudes in basis points across every market, for one direction. */
  slippage(direction: SlippageDirection): Distribution {
    return this.#families.slippage.merged((attributes) => attributes[Attr.slippageDirection] === direction);
  }
}
