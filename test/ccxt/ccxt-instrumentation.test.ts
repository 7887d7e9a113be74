import { createRequire } from 'node:module';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import esm from 'ccxt';
import { createTradingTelemetry, TelemetryConfigError } from 'trading-telemetry';
import { CcxtInstrumentation, instrumentExchange } from 'trading-telemetry/ccxt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_API_CREDENTIALS } from '../../examples/simulated-exchange/binance/binance-venue.js';
import { binanceSimulatorOptions } from '../../examples/simulated-exchange/ccxt-urls.js';
import { HealthRegistry } from '../../src/health/health-registry.js';
import { BinanceSimulator } from '../support/binance-simulator.js';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const telemetry = createTradingTelemetry();
const instrumentation = new CcxtInstrumentation({ telemetry, strategy: 'registered' });
const disable = registerInstrumentations({ instrumentations: [instrumentation] });

/** The CommonJS build, required after the instrumentation was registered (as a CommonJS app loads it). */
const cjs = createRequire(import.meta.url)('ccxt') as typeof esm;

const spanNames = (): string[] => exporter.getFinishedSpans().map((s) => s.name);

describe('CcxtInstrumentation: registered with an SDK, it instruments every ccxt exchange required after it', () => {
  let simulator: BinanceSimulator;
  const options = (): Record<string, unknown> => ({ ...DEFAULT_API_CREDENTIALS, ...binanceSimulatorOptions(simulator.exchange.httpUrl) });
  beforeAll(async () => {
    simulator = await BinanceSimulator.start();
  });
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await simulator.close();
    disable();
    await provider.shutdown();
  });

  it('a REST exchange from require("ccxt") is traced and its orders followed, with the configured options', async () => {
    const exchange = new cjs.binance(options());
    const order = await exchange.createOrder('BTC/USDT', 'market', 'buy', 0.01);
    expect(spanNames()).toEqual(expect.arrayContaining(['ccxt.createOrder', 'POST /api/v3/order', 'order.lifecycle']));
    expect(telemetry.orders.find(order.clientOrderId ?? '')).toMatchObject({ stage: 'filled', exchangeOrderId: order.id });
    expect(exporter.getFinishedSpans().find((s) => s.name === 'order.lifecycle')?.attributes['trading.strategy']).toBe('registered');
  });

  it('a pro exchange too: its streams count into the facade', async () => {
    const exchange = new cjs.pro.binance(options());
    await exchange.watchOrderBook('ETH/USDT');
    await exchange.watchOrderBook('ETH/USDT');
    expect(telemetry.marketData.exchanges()).toContainEqual(expect.objectContaining({ exchange: 'binance', connected: true }));
    await exchange.close();
  });

  it('instances of the ESM build are not patched by the require hook: instrumentExchange instruments them', async () => {
    const exchange = new esm.binance(options());
    await exchange.fetchTime();
    expect(spanNames()).toEqual([]);
    instrumentExchange(exchange, telemetry);
    await exchange.fetchTime();
    expect(spanNames()).toEqual(['GET /api/v3/time', 'ccxt.fetchTime']);
  });

  it('instrumenting an instance again on the same telemetry changes nothing; on another telemetry it is an error', async () => {
    const exchange = new cjs.binance(options());
    const patched = (exchange as unknown as { fetchTime: unknown }).fetchTime;
    expect(instrumentExchange(exchange, telemetry)).toBe(exchange);
    expect((exchange as unknown as { fetchTime: unknown }).fetchTime).toBe(patched);
    await exchange.fetchTime();
    expect(spanNames()).toEqual(['GET /api/v3/time', 'ccxt.fetchTime']);
    expect(() => instrumentExchange(exchange, createTradingTelemetry())).toThrow(/already instrumented on another telemetry/);
  });

  it('once disabled, new instances are left alone', async () => {
    instrumentation.disable();
    const exchange = new cjs.binance(options());
    await exchange.fetchTime();
    expect(spanNames()).toEqual([]);
    instrumentation.enable();
  });
});

describe('instrumentExchange and CcxtInstrumentation: strict options, clear errors', () => {
  const exchange = (): InstanceType<typeof esm.binance> => new esm.binance({ ...DEFAULT_API_CREDENTIALS, ...binanceSimulatorOptions('http://127.0.0.1:9') });

  it('an unknown option is a TelemetryConfigError that names the near one', () => {
    expect(() => instrumentExchange(exchange(), telemetry, { strategi: 'x' } as never)).toThrow(TelemetryConfigError);
    expect(() => instrumentExchange(exchange(), telemetry, { strategi: 'x' } as never)).toThrow('strategi: is not an option (did you mean strategy?)');
    expect(() => instrumentExchange(exchange(), telemetry, { health: { degradedAfterSeconds: -1 } })).toThrow(/^health\.degradedAfterSeconds: /);
    expect(() => new CcxtInstrumentation({ traceWatchCall: false } as never)).toThrow('traceWatchCall: is not an option (did you mean traceWatchCalls?)');
  });

  it('what is not an exchange, or not our telemetry, is refused', () => {
    expect(() => instrumentExchange({} as never, telemetry)).toThrow('instrumentExchange: pass a ccxt exchange instance');
    expect(() => instrumentExchange(exchange(), {} as never)).toThrow('instrumentExchange: pass the handle startTelemetry() returned, or a createTradingTelemetry() facade');
  });

  it("a health check name someone else registered is an error that says how to avoid it", () => {
    const health = new HealthRegistry();
    health.register('exchange:binance', () => 'healthy');
    expect(() => instrumentExchange(exchange(), createTradingTelemetry(), { health: { registry: health } })).toThrow(/already registered.*pass health: false/);
    expect(() => instrumentExchange(exchange(), createTradingTelemetry(), { health: false })).not.toThrow();
  });
});
