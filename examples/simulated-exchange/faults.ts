import type { RejectReason } from 'trading-telemetry';

/** Why the exchange rejects an order in a reject burst: the reasons the control API injects. */
export type ExchangeRejectReason = Extract<RejectReason, 'insufficient_balance' | 'price_out_of_band' | 'rate_limited' | 'unknown_symbol' | 'invalid_order'>;

/** A changed request-weight budget: the limit per minute and when refusals turn into an IP ban. */
export interface WeightBudgetFault {
  /** REQUEST_WEIGHT allowed per IP per minute. */
  readonly limit: number;
  /** Refused (429) requests within one minute after which the IP is banned (418). */
  readonly banAfter: number;
  /** The first ban's length in seconds; each further ban doubles it (Binance: 2 minutes to 3 days). */
  readonly banSeconds: number;
}

/** Maker and taker commission rates, as fractions of the fill (0.001 is 0.1 %). */
export interface FeeRates {
  readonly maker: number;
  readonly taker: number;
}

/**
 * Faults the exchange can be told to show, for chaos scenarios and tests. All of them are
 * plain state read by the exchange on every message; `reset()` returns to normal.
 */
export class Faults {
  /** Epoch ms until which the exchange sends nothing at all (the connection stays open). */
  silentUntil = 0;
  /** Extra one-way latency added to every order response, in ms. */
  extraLatencyMillis = 0;
  /** Orders still to reject in the current burst, and why. */
  rejectBurst = 0;
  rejectBurstReason: ExchangeRejectReason = 'rate_limited';
  /** While false, nothing fills: orders are acknowledged and rest. */
  fillsEnabled = true;
  /** While false, resting orders do not fill as the book moves; a new order still takes what the book holds. */
  restingFillsEnabled = true;
  /** While true, the market stands still: no price step, no crowd trade, no refill of what a taker took. */
  marketFrozen = false;
  /** Epoch ms until which new connections are refused (an outage after a drop). */
  refuseConnectionsUntil = 0;
  /** Added to the exchange's clock: server time, event timestamps and the `recvWindow` check. */
  clockOffsetMillis = 0;
  /** Replaces the configured request-weight budget while set. */
  weightBudget: WeightBudgetFault | undefined;
  /** Replaces the configured commission rates while set. */
  fees: FeeRates | undefined;
  /** Symbol → epoch ms until which its market streams send nothing (other symbols and the socket go on). */
  readonly #silentSymbols = new Map<string, number>();
  /** Symbol → depth events still to drop, per stream speed: the client sees update ids skip. */
  readonly #depthGaps = new Map<string, Map<string, number>>();

  silence(millis: number, now: number): void {
    this.silentUntil = now + millis;
  }

  isSilent(now: number): boolean {
    return now < this.silentUntil;
  }

  /** Silences one symbol's market streams for `millis`: a "zombie" book on an open socket. */
  silenceSymbol(symbol: string, millis: number, now: number): void {
    this.#silentSymbols.set(symbol, now + millis);
  }

  /** True while `symbol`'s streams are silenced, by its own fault or by {@link silence}. */
  isSymbolSilent(symbol: string, now: number): boolean {
    return this.isSilent(now) || now < (this.#silentSymbols.get(symbol) ?? 0);
  }

  /** Drops the next `count` depth events of `symbol` on every stream speed (`speeds`). */
  skipDepthUpdates(symbol: string, count: number, speeds: readonly string[]): void {
    this.#depthGaps.set(symbol, new Map(speeds.map((speed) => [speed, count])));
  }

  /** Whether the next depth event of `symbol` at `speed` is to be dropped (and counts it). */
  takeDepthGap(symbol: string, speed: string): boolean {
    const gaps = this.#depthGaps.get(symbol);
    const left = gaps?.get(speed) ?? 0;
    if (gaps === undefined || left <= 0) return false;
    gaps.set(speed, left - 1);
    return true;
  }

  /** The reason to reject the next order with, if a burst is on (and counts it). */
  takeBurstRejection(): ExchangeRejectReason | undefined {
    if (this.rejectBurst <= 0) return undefined;
    this.rejectBurst--;
    return this.rejectBurstReason;
  }

  reset(): void {
    this.silentUntil = 0;
    this.extraLatencyMillis = 0;
    this.rejectBurst = 0;
    this.fillsEnabled = true;
    this.restingFillsEnabled = true;
    this.marketFrozen = false;
    this.refuseConnectionsUntil = 0;
    this.clockOffsetMillis = 0;
    this.weightBudget = undefined;
    this.fees = undefined;
    this.#silentSymbols.clear();
    this.#depthGaps.clear();
  }

  snapshot(now: number): Record<string, unknown> {
    const silentSymbols: Record<string, number> = {};
    for (const [symbol, until] of this.#silentSymbols) if (until > now) silentSymbols[symbol] = until - now;
    const depthGaps: Record<string, Record<string, number>> = {};
    for (const [symbol, gaps] of this.#depthGaps) depthGaps[symbol] = Object.fromEntries(gaps);
    return {
      silentForMillis: Math.max(0, this.silentUntil - now),
      extraLatencyMillis: this.extraLatencyMillis,
      rejectBurst: this.rejectBurst,
      rejectBurstReason: this.rejectBurstReason,
      fillsEnabled: this.fillsEnabled,
      restingFillsEnabled: this.restingFillsEnabled,
      marketFrozen: this.marketFrozen,
      refusingConnectionsForMillis: Math.max(0, this.refuseConnectionsUntil - now),
      clockOffsetMillis: this.clockOffsetMillis,
      weightBudget: this.weightBudget ?? null,
      fees: this.fees ?? null,
      silentSymbolsForMillis: silentSymbols,
      depthGaps,
    };
  }
}
