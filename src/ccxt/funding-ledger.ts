import type { PortfolioMetrics } from '../metrics/portfolio-metrics.js';
import { finite, idOf, isObject } from './ccxt-shapes.js';

/** Funding payments remembered as counted, at most (a history call repeats the recent ones). */
const REMEMBERED = 10_000;

/**
 * The funding payments of perpetuals one venue's `fetchFundingHistory` answers report, each
 * counted once into `telemetry.portfolio.addFunding` (positive received, negative paid), however
 * often the bot asks for the history again. A payment is known by its id, or by symbol, time and
 * amount when the exchange gives none.
 */
export class FundingLedger {
  readonly #exchange: string;
  readonly #portfolio: Pick<PortfolioMetrics, 'addFunding'>;
  readonly #seen = new Set<string>();

  constructor(exchange: string, portfolio: Pick<PortfolioMetrics, 'addFunding'>) {
    this.#exchange = exchange;
    this.#portfolio = portfolio;
  }

  /** One entry of a `fetchFundingHistory` answer: `{ id, symbol, amount, timestamp, … }`. */
  payment(entry: unknown): void {
    if (!isObject(entry) || typeof entry.symbol !== 'string') return;
    const amount = finite(entry.amount);
    if (amount === undefined) return;
    const key = idOf(entry.id) ?? `${entry.symbol}\u001f${finite(entry.timestamp) ?? ''}\u001f${amount}`;
    if (this.#seen.has(key)) return;
    if (this.#seen.size >= REMEMBERED) this.#seen.delete(this.#seen.values().next().value ?? '');
    this.#seen.add(key);
    this.#portfolio.addFunding(this.#exchange, entry.symbol, amount);
  }
}
