import { TelemetryConfigError } from '../errors.js';
import type { HealthRegistry } from '../health/health-registry.js';
import { facadeInternalsOf, type TradingTelemetry } from '../trading-telemetry.js';
import { parseOptions } from '../validation/parse-options.js';
import { traceCall } from './call-tracing.js';
import { type CcxtExchange, type ExchangeObject, isObject } from './ccxt-shapes.js';
import { exchangeHealthCheck } from './exchange-health.js';
import { traceHttp } from './http-tracing.js';
import { instrumentationContext } from './instrumentation-context.js';
import { type InstrumentExchangeOptions, instrumentOptionsSchema } from './instrument-options.js';
import { aliasesOf, patchMethod } from './method-patch.js';
import { traceStreams } from './stream-tracing.js';
import { planOf, unifiedMethods } from './unified-methods.js';
import { type Venue, venueOf } from './venue.js';
import { DEFAULT_RECV_WINDOW_MILLIS } from './venue-clock.js';

/**
 * Where {@link instrumentExchange} records: the handle `startTelemetry()` returned (its
 * facade and health registry are used), or a bare `createTradingTelemetry()` facade.
 */
export type TelemetryTarget = TradingTelemetry | { readonly telemetry: TradingTelemetry; readonly health: HealthRegistry };

const WHAT = 'pass the handle startTelemetry() returned, or a createTradingTelemetry() facade';

/** Exchanges instrumented so far, and on which facade. */
const instrumented = new WeakMap<object, TradingTelemetry>();

/** The facade and health registry of `target`. */
function resolveTarget(target: unknown): { telemetry: TradingTelemetry; health: HealthRegistry | undefined } {
  if (!isObject(target)) throw new TelemetryConfigError('instrumentExchange', WHAT);
  if (facadeInternalsOf(target) !== undefined) return { telemetry: target as unknown as TradingTelemetry, health: undefined };
  const inner = target.telemetry;
  if (isObject(inner) && facadeInternalsOf(inner) !== undefined) {
    const health = target.health;
    return { telemetry: inner as unknown as TradingTelemetry, health: isObject(health) ? (health as unknown as HealthRegistry) : undefined };
  }
  throw new TelemetryConfigError('instrumentExchange', WHAT);
}

/** Registers the venue's `exchange:<id>` check with `registry`, once per registry. */
function registerHealth(venue: Venue, registry: HealthRegistry | undefined, options: InstrumentExchangeOptions): void {
  const health = options.health;
  if (health === false) return;
  const target = health?.registry ?? registry;
  if (target === undefined || venue.healthRegistries.has(target)) return;
  const name = `exchange:${venue.exchange}`;
  try {
    target.register(name, exchangeHealthCheck(venue, health ?? {}), { probes: health?.probes ?? ['readiness'], cacheTtlMillis: 0 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TelemetryConfigError('instrumentExchange', `${reason} (another part registered it: pass health: false, or unregister it first)`);
  }
  venue.healthRegistries.add(target);
}

/** The recvWindow `exchange` signs its requests with: ccxt's `options.recvWindow`, else Binance's default. */
function recvWindowOf(exchange: ExchangeObject): number {
  const options = exchange.options;
  const value = isObject(options) ? options.recvWindow : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : DEFAULT_RECV_WINDOW_MILLIS;
}

/**
 * Instruments a ccxt exchange instance (`new ccxt.binance(…)` or `new ccxt.pro.binance(…)`)
 * in place and returns it. From then on, with no further wiring:
 * - every unified call is a span `ccxt.<method>` with `trading.exchange`, `trading.symbol`,
 *   side and type, and each HTTP request under it a client span (method, path template,
 *   status, resend count), run with tracing suppressed below it so an undici or http
 *   instrumentation does not trace it twice;
 * - `createOrder` starts the order's lifecycle (its client order id, set when the caller gave
 *   none, is the correlation id): `sent` at the request, `acknowledged` at the response, fills
 *   and the end from whatever answer reports them (`watchOrders`, `watchMyTrades`,
 *   `fetchOrder`, `fetchOpenOrders`, `cancelOrder`…); a failed `createOrder` is
 *   `rejected(reason)` by the error's class;
 * - request duration and errors by method and class, ccxt's throttler wait, rate-limit usage
 *   from response headers, 429s and 418s, WebSocket subscriptions (messages, age of the last
 *   update) feeding `telemetry.marketData`, and an `exchange:<id>` health check;
 * - credentials and signatures never reach a span, a log line, a metric or an API response.
 *
 * Instrument before the first call. Instrumenting an exchange again on the same telemetry
 * does nothing.
 *
 * @throws TelemetryConfigError when `exchange` is not a ccxt exchange, `telemetry` is neither a
 * handle nor a facade, an option is unknown or unusable, the exchange is already instrumented
 * on another telemetry, or its health check's name is taken.
 */
export function instrumentExchange<E extends CcxtExchange>(exchange: E, telemetry: TelemetryTarget, options: InstrumentExchangeOptions = {}): E {
  if (!isObject(exchange) || typeof exchange.id !== 'string' || exchange.id === '' || !isObject(exchange.has)) {
    throw new TelemetryConfigError('instrumentExchange', 'pass a ccxt exchange instance (new ccxt.binance({ … }))');
  }
  const target = resolveTarget(telemetry);
  const parsed = parseOptions(instrumentOptionsSchema, options);
  const previous = instrumented.get(exchange);
  if (previous === target.telemetry) return exchange;
  if (previous !== undefined) throw new TelemetryConfigError('instrumentExchange', `this ${exchange.id} instance is already instrumented on another telemetry`);
  const internals = facadeInternalsOf(target.telemetry);
  if (internals === undefined) throw new TelemetryConfigError('instrumentExchange', WHAT);
  const venue = venueOf(target.telemetry, internals, exchange.id, parsed);
  registerHealth(venue, target.health, parsed);

  const object = exchange as unknown as ExchangeObject;
  venue.clock.recvWindowMillis = recvWindowOf(object);
  const ctx = instrumentationContext(object, venue, parsed);
  const aliases = aliasesOf(object);
  traceHttp(ctx, aliases);
  traceStreams(ctx, aliases);
  for (const name of unifiedMethods(object)) patchMethod(object, name, traceCall(ctx, planOf(name)), aliases(name));
  instrumented.set(exchange, target.telemetry);
  return exchange;
}
