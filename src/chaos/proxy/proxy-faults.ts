import type { FaultName, FaultRequest } from './fault-requests.js';
import { RateLimitStorm, type StormState } from './rate-limit-storm.js';

/** How often each fault acted, since the proxy started (reset does not forget these). */
export interface FaultCounts {
  /** HTTP answers and WebSocket messages held back by `latency`. */
  delayed: number;
  /** HTTP requests answered by `http-status` or the storm instead of upstream. */
  refusedRequests: number;
  /** Signed requests refused with -1021 because their timestamp is outside the skewed clock's recvWindow. */
  refusedTimestamps: number;
  /** WebSockets dropped by `disconnect`. */
  droppedConnections: number;
  /** WebSocket upgrades refused while `disconnect` lasts. */
  refusedConnections: number;
  /** WebSocket messages withheld by `silent-symbol`. */
  silencedMessages: number;
  /** Depth diff events dropped by `skip-update-ids`. */
  skippedDepthEvents: number;
  /** Times rewritten by `clock-skew` (server times, Date headers, event fields). */
  rewrittenTimes: number;
}

/** `GET /__chaos/state`: what is active now, and the counts. Holds no request content. */
export interface ProxyFaultState {
  readonly latencyMillis: number;
  readonly disconnectedUntil: number | null;
  readonly httpStatus: { readonly status: number; readonly remaining: number | null; readonly until: number | null; readonly retryAfterSeconds: number | null } | null;
  readonly silentSymbols: Readonly<Record<string, number | null>>;
  readonly skipUpdateIds: Readonly<Record<string, number>>;
  readonly clockSkewMillis: number;
  readonly rateLimitStorm: StormState | null;
  readonly counts: Readonly<FaultCounts>;
}

/** An HTTP answer a fault gives instead of upstream's. */
export interface Refusal {
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;
}

const zeroCounts = (): FaultCounts => ({ delayed: 0, refusedRequests: 0, refusedTimestamps: 0, droppedConnections: 0, refusedConnections: 0, silencedMessages: 0, skippedDepthEvents: 0, rewrittenTimes: 0 });

/**
 * The faults the proxy injects now, and the decisions the forwarders ask of them. Every map is
 * keyed by a symbol the operator named, so memory stays bounded by what was asked.
 */
export class ProxyFaults {
  readonly counts: FaultCounts = zeroCounts();
  readonly #now: () => number;
  #latencyMillis = 0;
  #disconnectedUntil = 0;
  #httpStatus: { status: number; remaining: number | undefined; until: number | undefined; retryAfterSeconds: number | undefined } | undefined;
  readonly #silent = new Map<string, number>();
  /** Per symbol: depth events still to drop, and whether the next one passes (so each drop is a gap of its own). */
  readonly #skips = new Map<string, { remaining: number; passNext: boolean }>();
  #skewMillis = 0;
  #storm: RateLimitStorm | undefined;

  /** @param now the clock, epoch ms (tests pass a fake one). */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Starts fault `name` (a body validated by {@link FAULT_REQUESTS}); `reset` ends them all. Returns the closing of live WebSockets `disconnect` asks for. */
  apply<N extends FaultName>(name: N, request: FaultRequest<N>): { dropConnections: boolean } {
    const now = this.#now();
    switch (name) {
      case 'latency':
        this.#latencyMillis = (request as FaultRequest<'latency'>).millis;
        break;
      case 'disconnect':
        this.#disconnectedUntil = now + ((request as FaultRequest<'disconnect'>).millis ?? 0);
        return { dropConnections: true };
      case 'http-status': {
        const { status, count, millis, retryAfterSeconds } = request as FaultRequest<'http-status'>;
        this.#httpStatus = { status, remaining: count, until: millis === undefined ? undefined : now + millis, retryAfterSeconds };
        break;
      }
      case 'silent-symbol': {
        const { symbol, millis } = request as FaultRequest<'silent-symbol'>;
        this.#silent.set(symbol, millis === undefined ? Number.POSITIVE_INFINITY : now + millis);
        break;
      }
      case 'skip-update-ids': {
        const { symbol, count } = request as FaultRequest<'skip-update-ids'>;
        this.#skips.set(symbol, { remaining: count, passNext: false });
        break;
      }
      case 'clock-skew':
        this.#skewMillis = (request as FaultRequest<'clock-skew'>).millis;
        break;
      case 'rate-limit-storm':
        this.#storm = new RateLimitStorm(request as FaultRequest<'rate-limit-storm'>, this.#now);
        break;
      case 'reset':
        this.#latencyMillis = 0;
        this.#disconnectedUntil = 0;
        this.#httpStatus = undefined;
        this.#silent.clear();
        this.#skips.clear();
        this.#skewMillis = 0;
        this.#storm = undefined;
        break;
    }
    return { dropConnections: false };
  }

  /** The delay to add to an HTTP answer or a WebSocket message, ms (0: none). */
  get latencyMillis(): number {
    return this.#latencyMillis;
  }

  /** The clock skew, ms (0: none). */
  get skewMillis(): number {
    return this.#skewMillis;
  }

  /** The exchange's clock as the bot must see it: now plus the skew. */
  exchangeNow(): number {
    return this.#now() + this.#skewMillis;
  }

  /** Whether a new WebSocket must be refused (a `disconnect` with millis lasts). */
  refusesConnections(): boolean {
    return this.#now() < this.#disconnectedUntil;
  }

  /** Whether any fault looks into WebSocket messages (otherwise they pass untouched and unparsed). */
  inspectsMessages(): boolean {
    return this.#silent.size > 0 || this.#skips.size > 0 || this.#skewMillis !== 0;
  }

  /** The refusal to answer an HTTP request with instead of forwarding it; counts it. */
  takeRefusal(): Refusal | undefined {
    const refusal = this.#httpRefusal() ?? this.#storm?.admit();
    if (refusal !== undefined) this.counts.refusedRequests++;
    return refusal;
  }

  /** The storm counting an answer's weight; the usage header value to send, undefined without a storm. */
  stormUsage(upstreamUsedHeader: string | undefined): number | undefined {
    this.#storm?.spent(upstreamUsedHeader);
    return this.#storm?.reportedUsed();
  }

  /** Whether a message about `symbolId` (Binance id, upper case) is withheld now. */
  silences(symbolId: string): boolean {
    const until = this.#silent.get(symbolId);
    if (until === undefined) return false;
    if (this.#now() < until) return true;
    this.#silent.delete(symbolId);
    return false;
  }

  /** Whether this depth diff event of `symbolId` is dropped: drops alternate with passes until the count is spent. */
  skipsDepthEvent(symbolId: string): boolean {
    const skip = this.#skips.get(symbolId);
    if (skip === undefined) return false;
    if (skip.passNext) {
      skip.passNext = false;
      return false;
    }
    skip.remaining--;
    skip.passNext = true;
    if (skip.remaining <= 0) this.#skips.delete(symbolId);
    return true;
  }

  state(): ProxyFaultState {
    const now = this.#now();
    const h = this.#httpStatus;
    return {
      latencyMillis: this.#latencyMillis,
      disconnectedUntil: now < this.#disconnectedUntil ? this.#disconnectedUntil : null,
      httpStatus: h === undefined ? null : { status: h.status, remaining: h.remaining ?? null, until: h.until ?? null, retryAfterSeconds: h.retryAfterSeconds ?? null },
      silentSymbols: Object.fromEntries([...this.#silent].filter(([, until]) => until > now).map(([s, until]) => [s, Number.isFinite(until) ? until : null])),
      skipUpdateIds: Object.fromEntries([...this.#skips].map(([s, skip]) => [s, skip.remaining])),
      clockSkewMillis: this.#skewMillis,
      rateLimitStorm: this.#storm?.state() ?? null,
      counts: { ...this.counts },
    };
  }

  #httpRefusal(): Refusal | undefined {
    const h = this.#httpStatus;
    if (h === undefined) return undefined;
    if (h.until !== undefined && this.#now() >= h.until) {
      this.#httpStatus = undefined;
      return undefined;
    }
    if (h.remaining !== undefined) {
      h.remaining--;
      if (h.remaining <= 0) this.#httpStatus = undefined;
    }
    return { status: h.status, retryAfterSeconds: h.retryAfterSeconds };
  }

}
