import { z } from 'zod';

/** A duration in ms, at most a day. */
const duration = z.number().int().positive().max(86_400_000);
/** A market as ccxt names it (`BTC/USDT`) or as Binance does (`BTCUSDT`); compared as the Binance id. */
const symbol = z
  .string()
  .regex(/^[A-Za-z0-9]{2,20}(\/[A-Za-z0-9]{2,20})?$/, 'must be a market such as BTC/USDT or BTCUSDT')
  .transform((s) => s.replace('/', '').toUpperCase());

const httpStatus = z
  .strictObject({
    status: z.union([z.literal(429), z.literal(418), z.number().int().min(500).max(599)]),
    count: z.number().int().positive().max(1_000_000).optional(),
    millis: duration.optional(),
    retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
  })
  .refine((v) => (v.count === undefined) !== (v.millis === undefined), { message: 'needs count (the next N requests) or millis (for a while), one of them' });

/**
 * The body each `POST /__chaos/<fault>` takes, validated strictly (an unknown field is refused,
 * so a typo is never a silent no-op). Durations are ms.
 */
export const FAULT_REQUESTS = {
  /** Delay every HTTP answer and every WebSocket message from upstream by `millis`. */
  latency: z.strictObject({ millis: z.number().int().min(0).max(120_000) }),
  /** Drop every WebSocket, and refuse new ones for `millis` (default: none refused, clients redial at once). */
  disconnect: z.strictObject({ millis: duration.optional() }),
  /** Answer HTTP requests with `status` instead of forwarding them: the next `count`, or all for `millis`. */
  'http-status': httpStatus,
  /** Drop every WebSocket message about `symbol` (the socket and the other symbols go on), for `millis` or until reset. */
  'silent-symbol': z.strictObject({ symbol, millis: duration.optional() }),
  /** Drop the next `count` depth diff events of `symbol`, each one a gap of its own. */
  'skip-update-ids': z.strictObject({ symbol, count: z.number().int().positive().max(1000) }),
  /** Shift the exchange's clock by `millis` (negative: behind) in every time it reports, and judge `timestamp`s by it. */
  'clock-skew': z.strictObject({ millis: z.number().int().min(-86_400_000).max(86_400_000) }),
  /**
   * Shrink the request weight the bot may use to `budget` per window: the usage headers climb
   * towards `limit` (the limit the bot knows from exchangeInfo) as it spends, and as other clients
   * on its IP spend: `usedAtStart` already spent when each window starts, `backgroundPerSecond`
   * through it; past it 429 with Retry-After, and after `banAfter` refusals in one window 418
   * for `banSeconds`.
   */
  'rate-limit-storm': z.strictObject({
    budget: z.number().int().positive().max(1_000_000),
    limit: z.number().int().positive().max(1_000_000).default(6000),
    windowMillis: duration.default(60_000),
    backgroundPerSecond: z.number().min(0).max(1_000_000).default(0),
    usedAtStart: z.number().int().min(0).max(1_000_000).default(0),
    banAfter: z.number().int().min(0).max(1000).default(3),
    banSeconds: z.number().int().positive().max(259_200).default(120),
  }),
  /** Every fault off and every count forgotten. */
  reset: z.strictObject({}),
} as const;

/** The name of a fault: `latency`, `disconnect`, … */
export type FaultName = keyof typeof FAULT_REQUESTS;

/** The validated body of fault `name`. */
export type FaultRequest<N extends FaultName> = z.output<(typeof FAULT_REQUESTS)[N]>;

/** Whether `name` names a fault. */
export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULT_REQUESTS, name);
}
