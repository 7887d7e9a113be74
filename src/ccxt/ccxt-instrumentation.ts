import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { InstrumentationBase, type InstrumentationConfig, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { createTradingTelemetry } from '../trading-telemetry.js';
import { parseOptions } from '../validation/parse-options.js';
import { VERSION } from '../version.js';
import { isObject } from './ccxt-shapes.js';
import { type InstrumentExchangeOptions, instrumentOptionsSchema } from './instrument-options.js';
import { instrumentExchange, type TelemetryTarget } from './instrument-exchange.js';

/** Options of {@link CcxtInstrumentation}: the instrumentation's own, plus those of every exchange it instruments. */
export interface CcxtInstrumentationConfig extends InstrumentationConfig, InstrumentExchangeOptions {
  /**
   * Where to record: a `startTelemetry()` handle or a `createTradingTelemetry()` facade.
   * Default: a facade over the tracer and meter providers the SDK gives this instrumentation.
   */
  readonly telemetry?: TelemetryTarget;
}

/** The ccxt versions patched. */
const SUPPORTED = ['>=4.4.0 <5'];

/** The prototype method ccxt's Exchange constructor calls last on every instance, of every exchange class. */
const HOOK = 'afterConstruct';

interface ExchangeClass {
  readonly prototype: Record<string, unknown>;
}

/** ccxt's `Exchange` class in a module's exports: `require('ccxt').Exchange`, or the ESM default export's. */
function exchangeClassOf(exports: unknown): ExchangeClass | undefined {
  if (!isObject(exports)) return undefined;
  const direct = exports.Exchange;
  const candidate = typeof direct === 'function' ? direct : isObject(exports.default) ? exports.default.Exchange : undefined;
  return typeof candidate === 'function' && isObject(candidate.prototype) ? candidate : undefined;
}

/** The options of `config` that each instrumented exchange takes (all but the instrumentation's own). */
function exchangeOptionsOf(config: CcxtInstrumentationConfig): InstrumentExchangeOptions {
  return Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'enabled' && key !== 'telemetry'));
}

/**
 * An OpenTelemetry instrumentation of ccxt, for apps that register instrumentations with their
 * own NodeSDK (`instrumentations: [new CcxtInstrumentation()]`). When ccxt is `require`d it
 * patches the base `Exchange` class, so every exchange constructed from then on, REST or pro,
 * is instrumented as {@link instrumentExchange} does. ESM apps (`import ccxt from 'ccxt'`)
 * call `instrumentExchange` on each instance instead (docs/ccxt.md says why).
 *
 * Disabling it stops instrumenting new instances; those already instrumented stay so.
 */
export class CcxtInstrumentation extends InstrumentationBase<CcxtInstrumentationConfig> {
  /** The facade made for instances when no `telemetry` was given: one, made on first use. */
  private ownTelemetry: TelemetryTarget | undefined;

  /** @throws TelemetryConfigError naming the option when one is unknown or unusable. */
  constructor(config: CcxtInstrumentationConfig = {}) {
    parseOptions(instrumentOptionsSchema, exchangeOptionsOf(config));
    super('trading-telemetry/ccxt', VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      'ccxt',
      SUPPORTED,
      (exports: unknown) => {
        const Exchange = exchangeClassOf(exports);
        if (Exchange !== undefined) this.#patch(Exchange);
        return exports;
      },
      (exports: unknown) => {
        const Exchange = exchangeClassOf(exports);
        if (Exchange !== undefined) this._unwrap(Exchange.prototype, HOOK);
      },
    );
  }

  #patch(Exchange: ExchangeClass): void {
    const instrument = (exchange: object): void => this.#instrument(exchange);
    this._wrap(Exchange.prototype, HOOK, (original) =>
      function (this: object, ...args: unknown[]): unknown {
        const result = (original as (...args: unknown[]) => unknown).apply(this, args);
        instrument(this);
        return result;
      },
    );
  }

  #instrument(exchange: object): void {
    if (!this.isEnabled()) return;
    const config = this.getConfig();
    try {
      instrumentExchange(exchange as never, config.telemetry ?? this.#ownTelemetry(), exchangeOptionsOf(config));
    } catch (error) {
      // A constructor must not fail for telemetry's sake.
      this._diag.error('could not instrument a ccxt exchange', error);
    }
  }

  #ownTelemetry(): TelemetryTarget {
    const meterProvider: MeterProvider = { getMeter: () => this.meter };
    const tracerProvider: TracerProvider = { getTracer: () => this.tracer };
    this.ownTelemetry ??= createTradingTelemetry({ meterProvider, tracerProvider });
    return this.ownTelemetry;
  }
}
