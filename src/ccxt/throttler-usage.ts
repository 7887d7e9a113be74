import { finite, isObject } from './ccxt-shapes.js';

/** The window the throttler's usage is measured over. */
const WINDOW_MILLIS = 10_000;
/** Slots of the window: usage moves in steps of a second. */
const SLOTS = 10;
const SLOT_MILLIS = WINDOW_MILLIS / SLOTS;

/**
 * The cost per millisecond ccxt's throttler of `exchange` admits: `refillRate` of its leaky
 * bucket (the default), or `maxWeight` per `windowSize` of its rolling window. Undefined when
 * the exchange has no throttler or its rate limiting is off (`enableRateLimit: false`).
 */
function allowedPerMillis(exchange: Record<string, unknown>): number | undefined {
  if (exchange.enableRateLimit === false) return undefined;
  const throttler = exchange.throttler;
  const config = isObject(throttler) && isObject(throttler.config) ? throttler.config : undefined;
  if (config === undefined) return undefined;
  if (config.algorithm === 'rollingWindow') {
    const weight = finite(config.maxWeight);
    const window = finite(config.windowSize);
    return weight !== undefined && window !== undefined && window > 0 ? weight / window : undefined;
  }
  const rate = finite(config.refillRate);
  return rate !== undefined && rate > 0 ? rate : undefined;
}

/**
 * How much of ccxt's own rate limiter a venue uses: the cost `throttle(cost)` was asked to
 * admit in the last 10 s, over what the throttler's rate admits in 10 s. Near 1 the
 * throttler queues requests; above 1 they wait. Allocation-free per request (a ring of
 * per-second sums).
 */
export class ThrottlerUsage {
  readonly #slots = new Float64Array(SLOTS);
  #slotStart = 0;
  #allowed: number | undefined;
  readonly #clock: () => number;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /** One `throttle(cost)` call of `exchange` (cost: ccxt's default of 1 when not given). */
  record(exchange: Record<string, unknown>, cost: unknown): void {
    const allowed = allowedPerMillis(exchange);
    if (allowed === undefined) return;
    this.#allowed = allowed;
    this.#advance(this.#clock());
    this.#slots[SLOTS - 1] = (this.#slots[SLOTS - 1] ?? 0) + Math.max(0, finite(cost) ?? 1);
  }

  /** The share of the throttler's rate used over the last 10 s; undefined before the first request. */
  usage(): number | undefined {
    if (this.#allowed === undefined) return undefined;
    this.#advance(this.#clock());
    let cost = 0;
    for (const slot of this.#slots) cost += slot;
    return cost / (this.#allowed * WINDOW_MILLIS);
  }

  /** Moves the ring so its last slot is the second holding `now`, emptying the slots passed. */
  #advance(now: number): void {
    const steps = Math.floor((now - this.#slotStart) / SLOT_MILLIS);
    if (steps <= 0) return;
    if (steps >= SLOTS) this.#slots.fill(0);
    else {
      this.#slots.copyWithin(0, steps);
      this.#slots.fill(0, SLOTS - steps);
    }
    this.#slotStart += steps * SLOT_MILLIS;
    if (now - this.#slotStart >= SLOT_MILLIS) this.#slotStart = now;
  }
}
