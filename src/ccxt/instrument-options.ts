import { z } from 'zod';
import type { Probe } from '../health/health-check.js';
import type { HealthRegistry } from '../health/health-registry.js';
import { fn, hasMethods, instance, schemaOf } from '../validation/parse-options.js';

/** The exchange health check of {@link InstrumentExchangeOptions.health}. */
export interface ExchangeHealthOptions {
  /**
   * Where to register the `exchange:<id>` check. Default: the handle's `health`; with a bare
   * facade, none is registered unless one is given here.
   */
  readonly registry?: HealthRegistry;
  /** A subscribed book or ticker silent this long turns the exchange degraded. Default 10 s. */
  readonly degradedAfterSeconds?: number;
  /** Every stream silent this long turns it unhealthy. Default 30 s. */
  readonly unhealthyAfterSeconds?: number;
  /** The probes the check decides. Default: readiness. */
  readonly probes?: readonly Probe[];
}

/** Options of {@link instrumentExchange}. */
export interface InstrumentExchangeOptions {
  /** `trading.strategy` of the orders placed through this exchange. */
  readonly strategy?: string;
  /**
   * A span per `watch*` call (each one waits for the next update, so a bot watching three books
   * makes dozens a second). Default true; with false, watch calls are still counted, and their
   * updates measured, but not traced.
   */
  readonly traceWatchCalls?: boolean;
  /** The client order id `createOrder` sends when the caller gave none. Default: 32 hex digits of a UUIDv7 (fits Binance, OKX and Bybit). */
  readonly clientOrderId?: () => string;
  /** The `exchange:<id>` health check, or false to register none. */
  readonly health?: false | ExchangeHealthOptions;
  /**
   * The share of any rate limit the exchange reports at which the governor of the same telemetry
   * throttles new orders to this exchange, before the exchange refuses (ccxt's own throttler is
   * shown, never acted on); the throttle lifts once usage is 0.1 below it. Default 0.9. One per
   * exchange id on a telemetry: a second instance asking for another share is a TelemetryConfigError.
   */
  readonly rateLimitShare?: number;
}

const seconds = z.number().positive();

/** The strict schema of {@link InstrumentExchangeOptions}. */
export const instrumentOptionsSchema = schemaOf<InstrumentExchangeOptions>()(
  z.strictObject({
    strategy: z.string().min(1).max(64).optional(),
    traceWatchCalls: z.boolean().optional(),
    clientOrderId: fn<() => string>().optional(),
    rateLimitShare: z.number().gt(0.1).max(1).optional(),
    health: z
      .union([
        z.literal(false),
        z.strictObject({
          registry: instance<HealthRegistry>("a health registry (the handle's health)", hasMethods('register', 'run')).optional(),
          degradedAfterSeconds: seconds.optional(),
          unhealthyAfterSeconds: seconds.optional(),
          probes: z.array(z.enum(['liveness', 'readiness', 'startup'])).optional(),
        }),
      ])
      .optional(),
  }),
);
