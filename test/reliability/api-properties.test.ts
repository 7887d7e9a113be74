import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, extract, inject, startTelemetry, TelemetryConfigError, type TelemetryHandle, traced, withCorrelationId, withSpan } from 'trading-telemetry';
import { AnomalyDetector } from 'trading-telemetry/alerting';
import { ORDER_STAGES, REJECT_REASONS } from 'trading-telemetry/conventions';
import { ActivityGovernor } from '../../src/alerting/activity-governor.js';
import { HealthRegistry } from '../../src/health/health-registry.js';
import { REDACTED } from '../../src/secrets.js';
import { resolveConfig } from '../../src/setup/config.js';
import { anyNumber } from '../support/arbitraries.js';
import { run } from '../support/processes.js';

const RUNS = 1000;
const anyString = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ minLength: 200, maxLength: 3000 }), fc.constantFrom('a"b', 'a\nb', '💥', '', '{x="y"}'));
const anyValue = fc.oneof(anyString, fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0), fc.anything());

describe('tracing, logging, health, alerting and config APIs under arbitrary input (fast-check, 1000 runs each)', () => {
  let handle: TelemetryHandle;
  beforeAll(async () => {
    handle = await startTelemetry({ serviceName: 'api-properties', server: { port: 0 }, runtimeMetrics: false, env: {} });
  });
  afterAll(async () => handle.shutdown());

  it('orders.track and every lifecycle call, in any order with any details: never throw', () => {
    const stage = fc.oneof(fc.constantFrom(...ORDER_STAGES), anyString);
    fc.assert(
      fc.property(
        fc.record({ exchange: anyValue, symbol: anyValue, side: anyValue, quantity: anyNumber, price: anyNumber, clientOrderId: anyValue }, { requiredKeys: [] }),
        fc.array(fc.record({ stage, quantity: anyNumber, price: anyNumber, reason: fc.oneof(fc.constantFrom(...REJECT_REASONS), anyString), exchangeOrderId: anyValue }, { requiredKeys: ['stage'] }), { maxLength: 6 }),
        fc.oneof(fc.constantFrom(null, undefined), fc.anything()),
        (intent, updates, notAnIntent) => {
          const order = handle.telemetry.orders.track((intent as never));
          expect(handle.telemetry.orders.track(notAnIntent as never).done).toBe(false);
          for (const update of updates) handle.telemetry.orders.update(order.correlationId, (update as never));
          order.acknowledged(intent.clientOrderId as never);
          order.partiallyFilled(updates[0] as never);
          order.filled({ quantity: intent.quantity, price: intent.price } as never);
          order.filled(intent.side as never); // finished twice: counted, not thrown
          order.rejected(updates[0]?.reason as never, intent.symbol as never);
          order.cancelled();
          order.expired();
          expect(order.run(() => 5)).toBe(5);
          expect(typeof order.summary().correlationId).toBe('string');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('traced, withSpan and withCorrelationId: any name, attributes or thrown value reaches the caller unchanged', () => {
    fc.assert(
      fc.property(anyValue, fc.dictionary(fc.string(), anyValue), anyValue, fc.boolean(), (name, attributes, thrown, fails) => {
        const fn = traced((name as never), (x: number) => {
          if (fails) throw thrown;
          return x + 1;
        }, ({ attributes } as never));
        if (fails) expect(() => fn(1)).toThrow();
        else expect(fn(1)).toBe(2);
        expect(withSpan((name as never), () => 'ok', ({ attributes } as never))).toBe('ok');
        expect(withCorrelationId((name as never), () => 7)).toBe(7);
      }),
      { numRuns: RUNS },
    );
  });

  it('inject and extract: any carrier, never throw', () => {
    fc.assert(
      fc.property(fc.dictionary(anyString, anyValue), (carrier) => {
        const ctx = extract((carrier as never));
        expect(typeof inject({}, ctx)).toBe('object');
      }),
      { numRuns: RUNS },
    );
  });

  it('createLogger: any fields and messages are written as one parseable JSON line each, secrets redacted', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const log = createLogger({ level: 'info', otel: false, destination, env: {} });
    fc.assert(
      fc.property(fc.dictionary(anyString, anyValue), anyValue, (fields, message) => {
        log.info({ ...fields, apiKey: 'hunter2-secret' }, (message as never));
      }),
      { numRuns: RUNS },
    );
    expect(lines.length).toBe(RUNS);
    for (const line of lines) {
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(record.apiKey).toBe(REDACTED);
    }
  });

  it('HealthRegistry: any check outcome (a value, a throw, a rejection) becomes a valid status', async () => {
    const outcome = fc.oneof(anyValue, fc.record({ status: anyValue, reason: anyValue }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(outcome, fc.constantFrom('return', 'throw', 'reject'), async (value, how) => {
        const registry = new HealthRegistry();
        registry.register('check', () => {
          // Checks written by users throw and reject anything, not only Errors: that is the point here.
          if (how === 'throw') throw value;
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          return how === 'reject' ? Promise.reject(value) : (value as never);
        });
        const report = await registry.run();
        expect(['healthy', 'degraded', 'unhealthy']).toContain(report.status);
      }),
      { numRuns: RUNS },
    );
  });

  it('AnomalyDetector.score and ActivityGovernor.allow: any number, never throw, never a non-finite threshold', () => {
    const metric = { name: 'm', direction: 'both', read: () => undefined } as const;
    const detector = new AnomalyDetector([metric], { warmupSamples: 3 });
    const governor = new ActivityGovernor();
    expect(detector.score(metric, { toString: 0 } as never, 0)).toBeUndefined(); // found by this test: it used to throw
    fc.assert(
      fc.property(anyNumber, fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), anyNumber), anyValue, (value, at, intent) => {
        const detection = detector.score(metric, value as never, at as never);
        if (detection !== undefined) expect(Number.isFinite(detection.threshold)).toBe(true);
        expect(typeof governor.allow(intent as never).allowed).toBe('boolean');
      }),
      { numRuns: RUNS },
    );
  });

  it('configuration: any environment either resolves or fails with a TelemetryConfigError naming the variable', () => {
    const variables = ['OTEL_SERVICE_NAME', 'OTEL_EXPORTER_PROMETHEUS_PORT', 'OTEL_EXPORTER_PROMETHEUS_HOST', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_BSP_MAX_QUEUE_SIZE', 'OTEL_SDK_DISABLED', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...variables), anyString), (env) => {
        try {
          resolveConfig({ serviceName: 's', env });
        } catch (error) {
          expect(error).toBeInstanceOf(TelemetryConfigError);
          expect((error as Error).message).toMatch(/^[A-Za-z_.]+: /);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('/metrics after all of that still passes promtool check metrics', async () => {
    const text = await (await fetch(`${handle.url}/metrics`)).text();
    const result = await run('promtool', ['check', 'metrics'], text);
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);
});
