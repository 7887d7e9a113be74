/**
 * An error answer as Binance sends it: an HTTP status and a `{"code","msg"}` body. ccxt maps
 * the code and message onto its error classes (its `exceptions` table in binance.js).
 */
export class BinanceError extends Error {
  readonly status: number;
  readonly code: number;
  /** Seconds to wait, sent as `Retry-After` (429 and 418 only). */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, code: number, msg: string, retryAfterSeconds?: number) {
    super(msg);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The JSON body: `{"code":-2010,"msg":"…"}`. */
  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.message };
  }
}

/** -1102: a mandatory parameter is missing (ccxt: BadRequest). */
export const missingParameter = (name: string): BinanceError =>
  new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);

/** -1121: an unknown symbol (ccxt: BadSymbol). */
export const invalidSymbol = (): BinanceError => new BinanceError(400, -1121, 'Invalid symbol.');

/** -2010: the matching engine refused a new order (ccxt: InvalidOrder, or by message InsufficientFunds / OrderImmediatelyFillable). */
export const orderRejected = (msg: string): BinanceError => new BinanceError(400, -2010, msg);

/** -1013: a symbol filter refused the order, e.g. `Filter failure: LOT_SIZE` (ccxt: InvalidOrder, or BadRequest for NOTIONAL). */
export const filterFailure = (filter: string): BinanceError => new BinanceError(400, -1013, `Filter failure: ${filter}`);

/** The balance message ccxt maps to InsufficientFunds. */
export const INSUFFICIENT_BALANCE = 'Account has insufficient balance for requested action.';
