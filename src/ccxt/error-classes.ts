import type { RejectReason } from '../conventions.js';

/**
 * ccxt's error classes (`errorHierarchy` of ccxt 4.4 and 4.5), by name. Errors are told apart
 * by `error.name`, never `instanceof`: ccxt's ESM and CommonJS builds each have their own
 * classes, and a process may load both.
 */
const CCXT_ERRORS: ReadonlySet<string> = new Set([
  'BaseError',
  'ExchangeError',
  'AuthenticationError',
  'PermissionDenied',
  'AccountNotEnabled',
  'AccountSuspended',
  'ArgumentsRequired',
  'BadRequest',
  'BadSymbol',
  'OperationRejected',
  'NoChange',
  'MarginModeAlreadySet',
  'MarketClosed',
  'ManualInteractionNeeded',
  'RestrictedLocation',
  'InsufficientFunds',
  'InvalidAddress',
  'AddressPending',
  'InvalidOrder',
  'OrderNotFound',
  'OrderNotCached',
  'OrderImmediatelyFillable',
  'OrderNotFillable',
  'DuplicateOrderId',
  'ContractUnavailable',
  'NotSupported',
  'InvalidProxySettings',
  'ExchangeClosedByUser',
  'OperationFailed',
  'NetworkError',
  'DDoSProtection',
  'RateLimitExceeded',
  'ExchangeNotAvailable',
  'OnMaintenance',
  'InvalidNonce',
  'ChecksumError',
  'RequestTimeout',
  'BadResponse',
  'NullResponse',
  'CancelPending',
  'UnsubscribeError',
]);

/**
 * The ccxt error class of `error` (`InsufficientFunds`, `RequestTimeout`, …), or `other` for
 * anything else (a TypeError in the bot's own code, a string thrown): a bounded label value.
 */
export function errorClassOf(error: unknown): string {
  const name: unknown = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && CCXT_ERRORS.has(name) ? name : 'other';
}

/**
 * How an order that `createOrder` failed for is recorded (`rejected(reason)`), by ccxt error
 * class. A class not listed is `other`. docs/ccxt.md shows the same table.
 */
export const REJECT_REASON_OF: Readonly<Record<string, RejectReason>> = {
  InsufficientFunds: 'insufficient_balance',
  InvalidOrder: 'invalid_order',
  OrderImmediatelyFillable: 'invalid_order',
  OrderNotFillable: 'invalid_order',
  DuplicateOrderId: 'invalid_order',
  ArgumentsRequired: 'invalid_order',
  BadRequest: 'invalid_order',
  BadSymbol: 'unknown_symbol',
  RateLimitExceeded: 'rate_limited',
  DDoSProtection: 'rate_limited',
  RequestTimeout: 'timeout',
};

/** Binance's price filter (`Filter failure: PERCENT_PRICE_BY_SIDE`, or `PERCENT_PRICE`), which ccxt raises as InvalidOrder. */
const PRICE_BAND = /\bPERCENT_PRICE/;

/** The reject reason of an order `createOrder` failed with `error`. */
export function rejectReasonOf(error: unknown): RejectReason {
  const errorClass = errorClassOf(error);
  const reason = REJECT_REASON_OF[errorClass] ?? 'other';
  if (reason !== 'invalid_order') return reason;
  const message: unknown = (error as { message?: unknown }).message;
  return typeof message === 'string' && PRICE_BAND.test(message) ? 'price_out_of_band' : reason;
}
