import type { OrderTrace } from './order-trace.js';

/**
 * The last `capacity` finished orders, in a fixed ring: adding one is a store and an index
 * step, whatever the capacity, so finishing an order costs the same with 500 or 50 000 kept.
 */
export class RecentOrders {
  readonly #slots: (OrderTrace | undefined)[];
  /** Where the next order goes; the oldest kept order once the ring is full. */
  #next = 0;
  #size = 0;

  /** @param capacity a non-negative integer (0 keeps nothing). */
  constructor(capacity: number) {
    this.#slots = new Array<OrderTrace | undefined>(capacity).fill(undefined);
  }

  add(order: OrderTrace): void {
    const capacity = this.#slots.length;
    if (capacity === 0) return;
    this.#slots[this.#next] = order;
    this.#next = (this.#next + 1) % capacity;
    this.#size = Math.min(this.#size + 1, capacity);
  }

  /** Up to `limit` orders, newest first. */
  newest(limit: number): OrderTrace[] {
    const orders: OrderTrace[] = [];
    for (let i = 1; i <= Math.min(limit, this.#size); i++) {
      const order = this.#slots[(this.#next - i + this.#slots.length) % this.#slots.length];
      if (order !== undefined) orders.push(order);
    }
    return orders;
  }

  /** The newest kept order with `correlationId`. */
  find(correlationId: string): OrderTrace | undefined {
    return this.newest(this.#size).find((order) => order.correlationId === correlationId);
  }
}
