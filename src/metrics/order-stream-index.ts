import type { OrderKey } from './order-key.js';

interface IndexedStream<S> {
  readonly side: unknown;
  readonly orderType: unknown;
  readonly strategy: unknown;
  readonly stream: S;
}

/**
 * Order streams already resolved, found by the key's fields: two map lookups on exchange and
 * symbol, then a scan of the few side/type/strategy variants. Per order this replaces
 * building and hashing a string key (the hottest part of `orders.track()`). Holds only
 * streams the caller adds, so it is bounded as they are.
 */
export class OrderStreamIndex<S> {
  readonly #byMarket = new Map<unknown, Map<unknown, IndexedStream<S>[]>>();

  find(key: OrderKey): S | undefined {
    const variants = this.#byMarket.get(key.exchange)?.get(key.symbol);
    if (variants === undefined) return undefined;
    return variants.find((variant) => variant.side === key.side && variant.orderType === key.orderType && variant.strategy === key.strategy)?.stream;
  }

  add(key: OrderKey, stream: S): void {
    let bySymbol = this.#byMarket.get(key.exchange);
    if (bySymbol === undefined) this.#byMarket.set(key.exchange, (bySymbol = new Map<unknown, IndexedStream<S>[]>()));
    let variants = bySymbol.get(key.symbol);
    if (variants === undefined) bySymbol.set(key.symbol, (variants = []));
    variants.push({ side: key.side, orderType: key.orderType, strategy: key.strategy, stream });
  }
}
