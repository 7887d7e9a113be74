import type { WeightBudgetFault } from '../faults.js';
import { BinanceError } from './binance-error.js';

/** Binance's spot defaults: 6000 weight per IP per minute; a ban after refusals lasts 2 minutes at first. */
export const DEFAULT_WEIGHT_BUDGET: WeightBudgetFault = { limit: 6_000, banAfter: 5, banSeconds: 120 };
/** Binance's spot unfilled-order limits per account. */
export const DEFAULT_ORDER_LIMITS = { per10s: 100, perDay: 200_000 } as const;

const MINUTE = 60_000;
const MAX_BAN_MS = 3 * 86_400_000;

interface IpUsage {
  windowStart: number;
  used: number;
  refusals: number;
  bannedUntil: number;
  bans: number;
}

/** The outcome of charging a request: the weight used in the current minute, and the refusal if any. */
export interface Charge {
  readonly used: number;
  readonly refusal: BinanceError | undefined;
}

/**
 * Request weight per IP in fixed one-minute windows (`X-MBX-USED-WEIGHT-1M`). Past the
 * limit a request is refused with 429 and a `Retry-After` until the window ends; after
 * `banAfter` refusals in one window the next request bans the IP (418) for `banSeconds`,
 * doubling with every further ban up to three days, as Binance does with repeat offenders.
 * After a ban, `banAfter` more refusals lead to the next one.
 */
export class WeightBudget {
  readonly #usage = new Map<string, IpUsage>();
  readonly #budget: () => WeightBudgetFault;

  constructor(budget: () => WeightBudgetFault) {
    this.#budget = budget;
  }

  /** Adds `weight` for `ip` at server time `now`. */
  charge(ip: string, weight: number, now: number): Charge {
    const budget = this.#budget();
    const usage = this.#current(ip, now);
    if (now < usage.bannedUntil) {
      const until = usage.bannedUntil;
      return { used: usage.used, refusal: new BinanceError(418, -1003, `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`, Math.ceil((until - now) / 1000)) };
    }
    usage.used += weight;
    if (usage.used <= budget.limit) return { used: usage.used, refusal: undefined };
    usage.refusals++;
    if (usage.refusals > budget.banAfter) {
      usage.refusals = 0;
      usage.bans++;
      usage.bannedUntil = now + Math.min(MAX_BAN_MS, budget.banSeconds * 1000 * 2 ** (usage.bans - 1));
      return this.charge(ip, 0, now);
    }
    const retryAfter = Math.max(1, Math.ceil((usage.windowStart + MINUTE - now) / 1000));
    return {
      used: usage.used,
      refusal: new BinanceError(429, -1003, `Too much request weight used; current limit is ${budget.limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`, retryAfter),
    };
  }

  /** The weight `ip` used in the current minute. */
  used(ip: string, now: number): number {
    return this.#current(ip, now).used;
  }

  /** Per IP: used weight, refusals this minute, and the ban's remaining ms. */
  snapshot(now: number): Record<string, { used: number; refusals: number; bannedForMillis: number; bans: number }> {
    const result: Record<string, { used: number; refusals: number; bannedForMillis: number; bans: number }> = {};
    for (const [ip, usage] of this.#usage) {
      const current = this.#current(ip, now);
      result[ip] = { used: current.used, refusals: current.refusals, bannedForMillis: Math.max(0, usage.bannedUntil - now), bans: usage.bans };
    }
    return result;
  }

  /** Forgets all usage and bans. */
  reset(): void {
    this.#usage.clear();
  }

  #current(ip: string, now: number): IpUsage {
    const windowStart = now - (now % MINUTE);
    let usage = this.#usage.get(ip);
    if (usage === undefined) {
      usage = { windowStart, used: 0, refusals: 0, bannedUntil: 0, bans: 0 };
      this.#usage.set(ip, usage);
    }
    if (usage.windowStart !== windowStart) {
      usage.windowStart = windowStart;
      usage.used = 0;
      usage.refusals = 0;
    }
    return usage;
  }
}

/** How much an order's first fill takes off the unfilled-order count (Binance's order_count_decrement FAQ). */
export const FIRST_FILL_CREDIT = { taker: 1, maker: 5 } as const;

/**
 * Unfilled new orders per account in a fixed 10-second and a fixed 1-day window
 * (`X-MBX-ORDER-COUNT-10S`, `X-MBX-ORDER-COUNT-1D`); past either limit, 429 with -1015.
 * Orders that trade give their count back ({@link credit}), so filled orders never run out.
 */
export class OrderCounter {
  readonly #limits: { per10s: number; perDay: number };
  #tenStart = 0;
  #ten = 0;
  #dayStart = 0;
  #day = 0;

  constructor(limits: { per10s: number; perDay: number }) {
    this.#limits = limits;
  }

  /** Checks that one more order is allowed at `now`; throws the 429 when not. */
  check(now: number): void {
    this.#roll(now);
    if (this.#ten >= this.#limits.per10s) {
      throw new BinanceError(429, -1015, `Too many new orders; current limit is ${this.#limits.per10s} orders per 10 SECOND.`, Math.max(1, Math.ceil((this.#tenStart + 10_000 - now) / 1000)));
    }
    if (this.#day >= this.#limits.perDay) {
      throw new BinanceError(429, -1015, `Too many new orders; current limit is ${this.#limits.perDay} orders per 1 DAY.`, Math.max(1, Math.ceil((this.#dayStart + 86_400_000 - now) / 1000)));
    }
  }

  /** Counts a new order. */
  count(now: number): void {
    this.#roll(now);
    this.#ten++;
    this.#day++;
  }

  /** Takes `orders` off both windows (an order's first fill), never below zero. */
  credit(orders: number, now: number): void {
    this.#roll(now);
    this.#ten = Math.max(0, this.#ten - orders);
    this.#day = Math.max(0, this.#day - orders);
  }

  /** The counts of the current windows. */
  counts(now: number): { tenSeconds: number; day: number } {
    this.#roll(now);
    return { tenSeconds: this.#ten, day: this.#day };
  }

  #roll(now: number): void {
    const ten = now - (now % 10_000);
    if (ten !== this.#tenStart) {
      this.#tenStart = ten;
      this.#ten = 0;
    }
    const day = now - (now % 86_400_000);
    if (day !== this.#dayStart) {
      this.#dayStart = day;
      this.#day = 0;
    }
  }
}
