/** Options of {@link RequestGate}. */
export interface RequestGateOptions {
  /** Requests admitted per second, on average. */
  readonly ratePerSecond: number;
  /** Requests admitted at once after a quiet spell. */
  readonly burst: number;
  /** Requests that may wait for a turn; past it they are refused (503). */
  readonly maxQueued: number;
}

interface Waiting {
  readonly run: () => void;
  readonly cancelled: () => boolean;
}

/**
 * Bounds the work the server does per second, whatever the request rate, so a scrape storm or
 * an API flood cannot starve the trading loop. Requests are admitted from a token bucket; over
 * the rate they wait in a bounded FIFO queue (a client waiting for its answer sends nothing
 * new, so waiting is the cheapest back-pressure there is), and past the queue they are refused.
 * Probes jump the queue, as the kubelet must get through a storm.
 */
export class RequestGate {
  readonly #options: RequestGateOptions;
  readonly #queue: Waiting[] = [];
  #tokens: number;
  #refilledAt = performance.now();
  #timer: NodeJS.Timeout | undefined;
  /** Requests refused because the queue was full, for the self-metrics. */
  refused = 0;

  constructor(options: RequestGateOptions) {
    this.#options = options;
    this.#tokens = options.burst;
  }

  /** Requests waiting for a turn now. */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Runs `run` now, or when its turn comes. False when the queue is full: the caller answers
   * 503. `cancelled` says the client went away meanwhile (its turn is then skipped).
   */
  admit(run: () => void, cancelled: () => boolean, priority = false): boolean {
    this.#refill();
    if (this.#queue.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      run();
      return true;
    }
    // Probes get room of their own beyond the queue bound, so a storm cannot crowd them out.
    if (this.#queue.length >= this.#options.maxQueued * (priority ? 2 : 1)) {
      this.refused++;
      return false;
    }
    if (priority) this.#queue.unshift({ run, cancelled });
    else this.#queue.push({ run, cancelled });
    this.#schedule();
    return true;
  }

  /** Drops what waits (at shutdown). */
  close(): void {
    clearTimeout(this.#timer);
    this.#queue.length = 0;
  }

  #refill(): void {
    const now = performance.now();
    this.#tokens = Math.min(this.#options.burst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.#options.ratePerSecond);
    this.#refilledAt = now;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const wait = Math.max(1, ((1 - this.#tokens) / this.#options.ratePerSecond) * 1000);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#drain();
    }, wait);
  }

  #drain(): void {
    this.#refill();
    while (this.#queue.length > 0 && this.#tokens >= 1) {
      const next = this.#queue.shift();
      if (next === undefined || next.cancelled()) continue;
      this.#tokens -= 1;
      next.run();
    }
    if (this.#queue.length > 0) this.#schedule();
  }
}
