/**
 * The shapes of ccxt this package relies on, duck-typed: the ccxt package is an optional peer
 * dependency, never imported at runtime, and its ESM and CommonJS builds have different classes.
 */

/** What {@link instrumentExchange} needs of a ccxt exchange: any ccxt 4.4 or 4.5 class, REST or pro. */
export interface CcxtExchange {
  /** The ccxt id (`binance`), the `trading.exchange` of everything recorded. */
  readonly id: string;
  /** ccxt's capability map: the unified methods this exchange implements. */
  readonly has: Readonly<Record<string, unknown>>;
}

/** An exchange instance seen as the bag of properties it is. */
export type ExchangeObject = CcxtExchange & Record<string, unknown>;

/** A function property of an exchange or client, as it is called. */
export type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The parts of a ccxt WebSocket client (`exchange.client(url)`) that are watched. */
export interface WsClientObject extends Record<string, unknown> {
  readonly url: string;
}

/** The fields of a ccxt unified order that the lifecycle reads. */
export interface CcxtOrderFields {
  readonly id?: unknown;
  readonly clientOrderId?: unknown;
  readonly status?: unknown;
  readonly filled?: unknown;
  readonly cost?: unknown;
  readonly average?: unknown;
  readonly price?: unknown;
  /** The executions the answer includes (a createOrder answer with Binance's FULL fills). */
  readonly trades?: unknown;
}

/** The fields of a ccxt unified trade that the lifecycle reads. */
export interface CcxtTradeFields {
  readonly id?: unknown;
  /** The exchange id of the order the trade filled. */
  readonly order?: unknown;
  readonly amount?: unknown;
  readonly price?: unknown;
  /** ccxt's `{ cost, currency }` of this execution. */
  readonly fee?: unknown;
}

/** `value` when it is a finite number (ccxt fields are numbers or undefined; a bad one is ignored). */
export function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `value` as an id string: strings as they are, finite numbers written out, anything else undefined. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

/** Whether `value` is a non-null object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
