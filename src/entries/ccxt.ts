// trading-telemetry/ccxt: ccxt exchanges instrumented in place (traces, order lifecycles, metrics, stream health).
export { instrumentExchange, type TelemetryTarget } from '../ccxt/instrument-exchange.js';
export type { ExchangeHealthOptions, InstrumentExchangeOptions } from '../ccxt/instrument-options.js';
export type { CcxtExchange } from '../ccxt/ccxt-shapes.js';
export { CcxtInstrumentation, type CcxtInstrumentationConfig } from '../ccxt/ccxt-instrumentation.js';
