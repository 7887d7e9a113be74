import type { FaultRequest } from './fault-requests.js';

/** A refusal the storm answers instead of forwarding. */
export interface StormRefusal {
  readonly status: 429 | 418;
  /** Seconds until the window ends (429) or the ban does (418). */
  readonly retryAfterSeconds: number;
}

/** What a storm has done so far. */
export interface StormState {
  readonly budget: number;
  readonly limit: number;
  /** Weight spent in the current window (the bot's and the background's), in upstream units. */
  readonly used: number;
  /** What the usage headers say, in units of `limit`. */
  readonly reportedUsed: number;
  readonly refused429: number;
  readonly refused418: number;
  /** Epoch ms the ban ends; null when not banned. */
  readonly bannedUntil: number | null;
}

/**
 * A request-weight budget far below the exchange's: the proxy counts the weight the bot spends
 * (each answer's rise of upstream's `x-mbx-used-weight-1m`, or 1 when upstream sends none) in
 * windows from the storm's start, plus what others on the same IP spent before each window's
 * start and spend through it at a steady rate, reports it scaled to the limit the bot knows, refuses with 429
 * once the budget is spent, and bans with 418 a bot that goes on sending after `banAfter`
 * refusals in one window, as Binance does.
 */
export class RateLimitStorm {
  readonly #options: FaultRequest<'rate-limit-storm'>;
  readonly #now: () => number;
  readonly #startedAt: number;
  #window = 0;
  #used = 0;
  #refusedInWindow = 0;
  #lastUpstreamUsed: number | undefined;
  #bannedUntil = 0;
  #refused429 = 0;
  #refused418 = 0;

  constructor(options: FaultRequest<'rate-limit-storm'>, now: () => number) {
    this.#options = options;
    this.#now = now;
    this.#startedAt = now();
  }

  /** Before forwarding a request: the refusal to answer instead, or undefined to forward it. */
  admit(): StormRefusal | undefined {
    const now = this.#roll();
    if (now < this.#bannedUntil) {
      this.#refused418++;
      return { status: 418, retryAfterSeconds: Math.ceil((this.#bannedUntil - now) / 1000) };
    }
    if (this.#total(now) < this.#options.budget) return undefined;
    this.#refusedInWindow++;
    if (this.#refusedInWindow > this.#options.banAfter) {
      this.#bannedUntil = now + this.#options.banSeconds * 1000;
      this.#refused418++;
      return { status: 418, retryAfterSeconds: this.#options.banSeconds };
    }
    this.#refused429++;
    const windowEnds = this.#startedAt + (this.#window + 1) * this.#options.windowMillis;
    return { status: 429, retryAfterSeconds: Math.max(1, Math.ceil((windowEnds - now) / 1000)) };
  }

  /** After upstream answered: counts the weight the answer's usage header says it cost. */
  spent(upstreamUsedHeader: string | undefined): void {
    this.#roll();
    const upstreamUsed = upstreamUsedHeader === undefined ? Number.NaN : Number(upstreamUsedHeader);
    if (!Number.isFinite(upstreamUsed)) {
      this.#used += 1;
      return;
    }
    const last = this.#lastUpstreamUsed;
    // Upstream's own window started again when its count fell: all of it is new.
    this.#used += last === undefined ? 1 : upstreamUsed >= last ? upstreamUsed - last : upstreamUsed;
    this.#lastUpstreamUsed = upstreamUsed;
  }

  /** The `x-mbx-used-weight-1m` value to send: the weight spent, scaled so the budget reads as the limit. */
  reportedUsed(): number {
    return Math.ceil((this.#total(this.#roll()) * this.#options.limit) / this.#options.budget);
  }

  state(): StormState {
    const reportedUsed = this.reportedUsed();
    return {
      budget: this.#options.budget,
      limit: this.#options.limit,
      used: this.#total(this.#now()),
      reportedUsed,
      refused429: this.#refused429,
      refused418: this.#refused418,
      bannedUntil: this.#bannedUntil > this.#now() ? this.#bannedUntil : null,
    };
  }

  /** The bot's weight in this window plus the others' so far. */
  #total(now: number): number {
    const windowStart = this.#startedAt + this.#window * this.#options.windowMillis;
    return this.#options.usedAtStart + this.#used + Math.floor((this.#options.backgroundPerSecond * (now - windowStart)) / 1000);
  }

  /** Starts a new window when the current one is over; returns now. */
  #roll(): number {
    const now = this.#now();
    const window = Math.floor((now - this.#startedAt) / this.#options.windowMillis);
    if (window !== this.#window) {
      this.#window = window;
      this.#used = 0;
      this.#refusedInWindow = 0;
    }
    return now;
  }
}
