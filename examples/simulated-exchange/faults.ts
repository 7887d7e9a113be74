import type { ExchangeRejectReason } from './protocol.js';

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
  /** Epoch ms until which new connections are refused (an outage after a drop). */
  refuseConnectionsUntil = 0;

  silence(millis: number, now: number): void {
    this.silentUntil = now + millis;
  }

  isSilent(now: number): boolean {
    return now < this.silentUntil;
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
    this.refuseConnectionsUntil = 0;
  }

  snapshot(now: number): Record<string, unknown> {
    return {
      silentForMillis: Math.max(0, this.silentUntil - now),
      extraLatencyMillis: this.extraLatencyMillis,
      rejectBurst: this.rejectBurst,
      rejectBurstReason: this.rejectBurstReason,
      fillsEnabled: this.fillsEnabled,
      refusingConnectionsForMillis: Math.max(0, this.refuseConnectionsUntil - now),
    };
  }
}
