import { createRequire } from 'node:module';
import { SpanKind } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BinanceSimulator as Simulator } from '../support/binance-simulator.js';

// A user's own SDK, as its setup file would make it before the app loads: a tracer provider
// with a context manager, and the undici and http instrumentations registered.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const disable = registerInstrumentations({ instrumentations: [new UndiciInstrumentation(), new HttpInstrumentation()] });

// Loaded after the instrumentations, as in an app.
const { createTradingTelemetry } = await import('trading-telemetry');
const { instrumentExchange } = await import('trading-telemetry/ccxt');
const { BinanceSimulator } = await import('../support/binance-simulator.js');

const UNDICI = '@opentelemetry/instrumentation-undici';
const HTTP = '@opentelemetry/instrumentation-http';
const scopeOf = (span: ReadableSpan): string => span.instrumentationScope.name;
/** Client spans of `scope` (the simulator runs in this process: its server spans are not what is counted). */
const clientSpans = (scope: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => scopeOf(s) === scope && s.kind === SpanKind.CLIENT);

/**
 * ccxt sends its REST requests with the npm undici; a user's SDK that runs
 * @opentelemetry/instrumentation-undici (or -http) sees them through undici's diagnostics
 * channels. An instrumented exchange runs its transport with tracing suppressed, so each
 * request is traced once, by us, with the path template and without the signed query.
 */
describe('instrumentExchange under a user SDK with the undici and http instrumentations registered', () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await BinanceSimulator.start();
  });
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await simulator.close();
    disable();
    await provider.shutdown();
  });

  it('the instrumentations are live: node:http requests and an uninstrumented ccxt are traced by them, signed query and all', async () => {
    // node:http as CommonJS code uses it (the instrumentation patches the CommonJS module).
    const { get } = createRequire(import.meta.url)('node:http') as typeof import('node:http');
    await new Promise<void>((resolve, reject) => get(`${simulator.exchange.httpUrl}/api/v3/time`, (res) => res.resume().on('end', resolve)).on('error', reject));
    expect(clientSpans(HTTP).length).toBeGreaterThanOrEqual(1);

    exporter.reset();
    const plain = simulator.client();
    await plain.fetchBalance();
    const undici = clientSpans(UNDICI);
    expect(undici.length).toBeGreaterThanOrEqual(1);
    // What an undici span of a ccxt request records: the signature, in url.query.
    expect(undici.map((s) => String(s.attributes['url.query']))).toContainEqual(expect.stringMatching(/signature=[0-9a-f]{64}/));
  });

  it('an instrumented exchange: every request is one client span, ours; none from undici or http', async () => {
    const exchange = instrumentExchange(simulator.client(), createTradingTelemetry());
    await exchange.loadMarkets();
    await exchange.fetchBalance();
    await exchange.createOrder('BTC/USDT', 'market', 'buy', 0.01);
    await exchange.fetchOpenOrders('BTC/USDT');
    const spans = exporter.getFinishedSpans();
    expect([...clientSpans(UNDICI), ...clientSpans(HTTP)].map((s) => `${scopeOf(s)} ${s.name}`)).toEqual([]);
    const requests = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(requests.map((s) => s.name)).toEqual(expect.arrayContaining(['GET /api/v3/exchangeInfo', 'GET /api/v3/account', 'POST /api/v3/order', 'GET /api/v3/openOrders']));
    for (const request of requests) {
      expect(scopeOf(request)).toBe('trading-telemetry');
      // Each is a child of its unified call's span.
      const parent = spans.find((s) => s.spanContext().spanId === request.parentSpanContext?.spanId);
      expect(parent?.name, request.name).toMatch(/^ccxt\./);
    }
    const ours = spans.filter((s) => scopeOf(s) === 'trading-telemetry');
    expect(JSON.stringify(ours.map((s) => [s.attributes, s.status, s.events]))).not.toMatch(/signature|simulator-api-key/);
  });
});
