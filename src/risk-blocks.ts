/** How hard a block holds new risk back: a few orders a second, or none. */
export type BlockLevel = 'throttle' | 'halt';

/** New risk held back on one exchange, or one of its symbols, for a reason. */
export interface RiskBlock {
  readonly exchange: string;
  /** Only this symbol (a silent order book); the whole exchange when omitted. */
  readonly symbol?: string;
  readonly level: BlockLevel;
  /** Why, for the order's refusal, the log and the incident: `rate limit 93 % used`. */
  readonly reason: string;
  /** Epoch ms it lifts by itself (a 418 ban's end); until cleared when omitted. */
  readonly until?: number;
}

/** A change to the blocks: one set or cleared, under its source's key. */
export type BlockChange = { readonly kind: 'set'; readonly key: string; readonly block: RiskBlock } | { readonly kind: 'cleared'; readonly key: string; readonly block: RiskBlock };

/**
 * Where exchange health holds new risk back before the exchange refuses it: each source (the
 * rate limit of one exchange, its clock, one symbol's book) sets or clears its block under its
 * own key; the activity governor consults them in `allow({ exchange, symbol })`. A block with
 * `until` lifts by itself. Setting the same block again is not a change.
 */
export class RiskBlocks {
  readonly #blocks = new Map<string, RiskBlock>();
  readonly #listeners: ((change: BlockChange) => void)[] = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Calls `listener` with every change (the governor logs and records them). */
  onChange(listener: (change: BlockChange) => void): void {
    this.#listeners.push(listener);
  }

  set(key: string, block: RiskBlock): void {
    const previous = this.#blocks.get(key);
    if (previous !== undefined && previous.level === block.level && previous.reason === block.reason && previous.until === block.until && previous.symbol === block.symbol) return;
    this.#blocks.set(key, block);
    this.#emit({ kind: 'set', key, block });
  }

  clear(key: string): void {
    const block = this.#blocks.get(key);
    if (block === undefined) return;
    this.#blocks.delete(key);
    this.#emit({ kind: 'cleared', key, block });
  }

  /** The strongest block on `exchange` (and `symbol`) now: a halt before a throttle. */
  find(exchange: string | undefined, symbol: string | undefined): RiskBlock | undefined {
    if (exchange === undefined || this.#blocks.size === 0) return undefined;
    let found: RiskBlock | undefined;
    for (const block of this.active()) {
      if (block.exchange !== exchange || (block.symbol !== undefined && block.symbol !== symbol)) continue;
      if (found === undefined || (block.level === 'halt' && found.level === 'throttle')) found = block;
    }
    return found;
  }

  /** The blocks in force with their keys (`rate_limit:binance`, `book:binance:BTC/USDT`), expired ones cleared first. */
  entries(): [string, RiskBlock][] {
    this.active();
    return [...this.#blocks];
  }

  /** The blocks in force, expired ones cleared first. */
  active(): RiskBlock[] {
    const now = this.#now();
    for (const [key, block] of this.#blocks) if (block.until !== undefined && block.until <= now) this.clear(key);
    return [...this.#blocks.values()];
  }

  #emit(change: BlockChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

/** The source of a block's key: `rate_limit` of `rate_limit:binance`, `book` of `book:binance:BTC/USDT`. */
export function blockSource(key: string): string {
  return key.slice(0, Math.max(0, key.indexOf(':')));
}

const byFacade = new WeakMap<object, RiskBlocks>();

/**
 * The blocks of one telemetry facade, made on first use: exchange instrumentations set them, the
 * governor of the alerting attached to the same facade reads them, whichever comes first.
 */
export function blocksOf(facade: object): RiskBlocks {
  let blocks = byFacade.get(facade);
  if (blocks === undefined) {
    blocks = new RiskBlocks();
    byFacade.set(facade, blocks);
  }
  return blocks;
}
