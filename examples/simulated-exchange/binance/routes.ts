import type { SyntheticBook } from './order-book.js';
import type { OrderCounter } from './rate-limits.js';
import type { SpotAccount } from './spot-account.js';
import type { SpotSymbol } from './symbols.js';
import type { Tape } from './tape.js';

/** What the REST routes read from the venue. */
export interface VenueView {
  readonly symbols: ReadonlyMap<string, SpotSymbol>;
  book(symbol: string): SyntheticBook | undefined;
  tape(symbol: string): Tape | undefined;
  /** Server time, epoch ms. */
  now(): number;
  exchangeInfo(symbols: readonly SpotSymbol[]): Record<string, unknown>;
  /** A fresh client order id, for requests that bring none (Binance makes one up). */
  makeClientOrderId(): string;
  /** The account's commission rates. */
  commissionRates(): { maker: number; taker: number };
}

/** A request as a route sees it: the merged parameters and, for SIGNED routes, the caller's account. */
export interface RouteRequest {
  readonly params: URLSearchParams;
  readonly venue: VenueView;
  /** Set on SIGNED routes. */
  readonly account?: SpotAccount;
  /** The account's new-order counter; set on SIGNED routes. */
  readonly orders?: OrderCounter;
}

/** One REST endpoint: whether it is SIGNED, and what it answers (a JSON value; a {@link BinanceError} is thrown). */
export interface Route {
  readonly signed: boolean;
  readonly handle: (request: RouteRequest) => unknown;
}
