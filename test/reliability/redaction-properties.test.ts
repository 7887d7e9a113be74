import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, startTelemetry, type TelemetryHandle, traced, withSpan } from 'trading-telemetry';
import { type Alerting, startAlerting, webhookNotifier } from 'trading-telemetry/alerting';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { receiver as httpReceiver } from '../support/processes.js';

/** Every name a credential goes by: fields, headers (exchange signing headers among them) and query parameters. */
const NAMES = [
  'apiKey', 'api_key', 'api-key', 'X-MBX-APIKEY', 'OK-ACCESS-KEY', 'OK-ACCESS-SIGN', 'OK-ACCESS-PASSPHRASE', 'CB-ACCESS-SIGN', 'CB-ACCESS-KEY',
  'API-Sign', 'API-Key', 'secret', 'client_secret', 'apiSecret', 'passphrase', 'signature', 'sig', 'hmac', 'password', 'passwd', 'token',
  'access_token', 'authorization', 'Authorization', 'auth', 'credentials', 'privateKey', 'private_key', 'key', 'cookie',
] as const;

/** A secret value: a marker no honest output contains, and random characters a token might hold. */
const secretValue = fc.stringMatching(/^[A-Za-z0-9]{10,24}$/).map((tail) => `Zq9${tail}`);

/** The shapes a secret arrives in as text. */
function textShapes(name: string, value: string): string[] {
  return [
    `${name}=${value}`,
    `${name}: ${value}`,
    `${name} = '${value}'`,
    `{"${name}":"${value}","venue":"binance"}`,
    `GET https://api.example.invalid/api/v3/order?symbol=BTCUSDT&${name}=${value}&timestamp=1`,
    `Authorization: Bearer ${value}`,
    `Authorization: Basic ${value}`,
    `request failed (Bearer ${value})`,
  ];
}

/** `value` under `name`, `depth` objects down. */
function nested(name: string, value: string, depth: number): Record<string, unknown> {
  let object: Record<string, unknown> = { [name]: value, venue: 'binance' };
  for (let i = 0; i < depth; i++) object = { [`level${i}`]: object };
  return object;
}

/** A stream that keeps what pino writes. */
function lines(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write: (chunk: Buffer, _e, done) => {
        chunks.push(chunk.toString());
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

/**
 * Secrets of every known shape planted through every sink: log lines (objects, nested deeper
 * than the walker looks, Error messages and stacks, `%s` arguments), OTLP logs, span attributes,
 * events, status and exceptions (traced, withSpan, an order rejected with the exchange's
 * message), health reasons, alert messages and their notifications, incidents on disk, and the
 * API and /metrics. None may come out anywhere.
 */
describe('no secret leaves through any sink, in any shape (fast-check)', () => {
  let otlp: OtlpReceiver;
  let webhook: Awaited<ReturnType<typeof httpReceiver>>;
  let handle: TelemetryHandle;
  let alerting: Alerting;
  let incidentsPath: string;
  const log = lines();
  const planted: { name: string; value: string; depth: number }[] = [];

  beforeAll(async () => {
    otlp = await OtlpReceiver.start();
    webhook = await httpReceiver(() => ({ status: 200 }));
    incidentsPath = join(await mkdtemp(join(tmpdir(), 'redaction-')), 'incidents.jsonl');
    handle = await startTelemetry({
      serviceName: 'redaction',
      server: { port: 0 },
      otlp: { endpoint: otlp.url },
      runtimeMetrics: false,
      logger: createLogger({ destination: log.stream, otel: true, env: {} }),
      env: {},
    });
    alerting = await startAlerting(handle, {
      rules: [{ name: 'leaky_rule', severity: 'warning', condition: () => (planted.length === 0 ? undefined : { message: textShapes(planted[0]?.name ?? '', planted[0]?.value ?? '').join(' | ') }) }],
      notifiers: [webhookNotifier(`${webhook.url}/alerts`, { attempts: 1 })],
      incidents: { path: incidentsPath },
      evaluateEveryMillis: 3_600_000,
    });
  }, 60_000);

  afterAll(async () => {
    await handle.shutdown();
    await otlp.close();
    await webhook.close();
  });

  it('plants them everywhere, and finds none on the way out', async () => {
    const logger = createLogger({ destination: log.stream, otel: true, env: {}, level: 'debug' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...NAMES), secretValue, fc.integer({ min: 0, max: 12 }), async (name, value, depth) => {
        planted.push({ name, value, depth });
        const shapes = textShapes(name, value);
        // logs: fields at any depth, bindings, messages, format arguments, Errors
        logger.info(nested(name, value, depth), shapes[0] ?? '');
        logger.child(nested(name, value, depth % 3)).warn('child bindings');
        logger.info(`${name}=%s`, value);
        logger.info('%s and %o', shapes[4] ?? '', nested(name, value, 1));
        const error = Object.assign(new Error(shapes[1] ?? ''), { request: nested(name, value, depth) });
        logger.error(error);
        logger.error({ err: error, headers: { [name]: value } }, 'exchange error');
        // spans: attributes set by the app, events, a thrown error through traced() and withSpan()
        const span = trace.getTracer('app').startSpan('app.request', { attributes: { [name]: value, 'http.url': shapes[4] ?? '' } });
        span.addEvent('retry', { reason: shapes[2] ?? '', [name]: value });
        span.setStatus({ code: SpanStatusCode.ERROR, message: shapes[5] ?? '' });
        span.end();
        await traced('exchange.call', () => Promise.reject(new Error(shapes[3] ?? '')))().catch(() => undefined);
        try {
          withSpan('exchange.sign', () => {
            throw new Error(shapes[6] ?? '');
          });
        } catch {
          // expected
        }
        // an order whose client order id carries one (the correlation id reaches spans, logs, the API)
        const order = handle.telemetry.orders.track({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy', quantity: 1, clientOrderId: `bot-${planted.length} ${shapes[0] ?? ''}` });
        order.run(() => logger.info('order placed'));
        order.rejected('other', shapes[4] ?? '');
        // health reasons (public), alert messages, notifications, incidents
        const check = `leaky_check_${planted.length}`;
        handle.health.register(check, () => ({ status: 'degraded', reason: shapes[7] ?? '' }), { probes: [] });
      }),
      { numRuns: 200 },
    );
    alerting.engine.evaluate();
    await alerting.dispatcher.idle();
    await alerting.incidents.durable();
    await handle.forceFlush();

    const url = handle.url ?? '';
    const api = await Promise.all(['/api/orders?limit=500', '/api/alerts', '/api/incidents?limit=1000', '/health', '/metrics', '/api/snapshot'].map(async (path) => (await fetch(`${url}${path}`)).text()));
    const everything = [log.text(), ...otlp.bodies, ...api, ...webhook.bodies.map((b) => b.toString()), await readFile(incidentsPath, 'utf8')].join('\n');
    expect(otlp.bodies.length).toBeGreaterThan(0);
    expect(everything).toContain('[Redacted]');
    expect(everything).toContain('[Truncated]');
    const leaked = planted.filter(({ value }) => everything.includes(value)).map((p) => ({ ...p, around: everything.slice(Math.max(0, everything.indexOf(p.value) - 120), everything.indexOf(p.value) + 40) }));
    expect(leaked).toEqual([]);
    // What is not secret still gets through.
    expect(everything).toContain('"venue":"binance"');
    expect(everything).toContain('exchange error');
  }, 120_000);
});
