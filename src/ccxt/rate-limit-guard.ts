import type { RiskBlocks } from '../risk-blocks.js';

/** The default share of a rate limit at which new risk is throttled: before the exchange refuses. */
export const DEFAULT_RATE_LIMIT_SHARE = 0.9;

/** How far below the share usage must fall before the throttle lifts, so it does not flap. */
const HYSTERESIS = 0.1;

/** One limit's share used, 0 to 1. */
export interface LimitUsage {
  readonly limit: string;
  readonly usage: number;
}

/** The latest refusal for rate: its status and until when its Retry-After runs. */
export interface Refusal {
  readonly status: 429 | 418;
  /** Clock ms its Retry-After ends. */
  readonly until: number;
}

/**
 * Turns one exchange's rate limits into governor blocks, before the exchange refuses:
 * - `rate_limit:<exchange>` throttles new risk once any limit's usage reaches `share`
 *   (default 0.9), until every limit is below `share − 0.1`; and throttles during a 429's
 *   Retry-After;
 * - `ban:<exchange>` halts it during a 418's Retry-After (the ban), and lifts by itself.
 * Reasons name the limit and the threshold, not the usage of the moment, so a block is set once.
 */
export class RateLimitGuard {
  readonly #exchange: string;
  readonly #blocks: RiskBlocks;
  readonly #share: number;
  /** The limit over the share, while its throttle holds (hysteresis). */
  #over: string | undefined;

  constructor(exchange: string, blocks: RiskBlocks, share = DEFAULT_RATE_LIMIT_SHARE) {
    this.#exchange = exchange;
    this.#blocks = blocks;
    this.#share = share;
  }

  /** Whether the usage of some limit holds the exchange throttled now. */
  get throttled(): boolean {
    return this.#over !== undefined;
  }

  /** Re-decides the blocks from the limits' usage and the refusal in force. */
  update(usages: Iterable<LimitUsage>, refusal: Refusal | undefined): void {
    let highest: LimitUsage | undefined;
    for (const reading of usages) if (highest === undefined || reading.usage > highest.usage) highest = reading;
    if (highest !== undefined && highest.usage >= this.#share) this.#over = highest.limit;
    else if (highest === undefined || highest.usage < this.#share - HYSTERESIS) this.#over = undefined;

    const exchange = this.#exchange;
    if (refusal?.status === 418) this.#blocks.set(`ban:${exchange}`, { exchange, level: 'halt', reason: 'IP banned (418) until its Retry-After ends', until: refusal.until });
    const key = `rate_limit:${exchange}`;
    if (refusal?.status === 429) this.#blocks.set(key, { exchange, level: 'throttle', reason: 'rate limited (429) until its Retry-After ends', until: refusal.until });
    else if (this.#over !== undefined) this.#blocks.set(key, { exchange, level: 'throttle', reason: `rate limit ${this.#over} at ${Math.round(this.#share * 100)} % or more of its size` });
    else this.#blocks.clear(key);
  }
}
