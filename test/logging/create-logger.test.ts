import { Writable } from 'node:stream';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, TelemetryConfigError, traced, withSpan } from 'trading-telemetry';
import { type TracingHarness, tracingHarness } from '../support/tracing-harness.js';

/** A destination that keeps every line pino writes, parsed. */
function capture(): { stream: Writable; lines: Record<string, unknown>[]; raw: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    get lines() {
      return chunks.join('').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    raw: () => chunks.join(''),
  };
}

const SECRETS = ['AKIA-super-secret-key', 's3cr3t-value', 'pass-phrase-123', 'sig-abcdef', 'tok-999', 'hunter2'];

describe('createLogger', () => {
  let h: TracingHarness | undefined;
  afterEach(async () => {
    await h?.shutdown();
    h = undefined;
  });

  it('log lines inside a traced order carry the exported spans’ trace_id, span_id and the correlation id', async () => {
    h = tracingHarness();
    const out = capture();
    const logger = createLogger({ destination: out.stream, env: {} });
    const order = h.telemetry.orders.track({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy', quantity: 1, clientOrderId: 'cl-7' });
    await order.run(() => traced('exchange.place', () => Promise.resolve(logger.info({ venue: 'binance' }, 'order sent')))());
    logger.info('outside any span');

    const [inside, outside] = out.lines;
    const place = h.span('exchange.place');
    expect(inside).toMatchObject({
      msg: 'order sent',
      trace_id: place.spanContext().traceId,
      span_id: place.spanContext().spanId,
      trace_flags: '01',
      correlation_id: 'cl-7',
    });
    order.cancelled();
    expect(h.span('order.lifecycle').spanContext().traceId).toBe(inside?.trace_id);
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('correlation_id');
  });

  it('no secret reaches a log line or a span attribute', () => {
    h = tracingHarness();
    const out = capture();
    const logger = createLogger({ destination: out.stream, env: {}, component: 'gateway' });
    const child = logger.child({ credentials: { apiKey: SECRETS[0] } });
    withSpan(
      'sign',
      () => {
        logger.info({ apiKey: SECRETS[0], nested: { secret: SECRETS[1], deeper: { passphrase: SECRETS[2] } } }, 'signing');
        logger.warn({ req: { headers: { authorization: `Bearer ${SECRETS[4]}` } }, signature: SECRETS[3] }, 'request');
        logger.error(`login failed: password=${SECRETS[5]} token=${SECRETS[4]}`);
        child.info({ list: [{ api_key: SECRETS[0] }] }, 'child');
        logger.error(new Error(`refused: secret=${SECRETS[1]}`));
      },
      { attributes: { 'exchange.api_key': SECRETS[0], 'exchange.venue': 'binance' } },
    );
    // A correlation id is text from outside (a client order id, or baggage from another process).
    const order = h.telemetry.orders.track({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy', quantity: 1, clientOrderId: `cl-1 token=${SECRETS[4]}` });
    order.run(() => logger.info('placed'));
    order.rejected('other');
    const everything = out.raw() + JSON.stringify(h.spans().map((s) => s.attributes));
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
    expect(out.lines).toHaveLength(6);
    expect(out.lines[5]).toMatchObject({ correlation_id: 'cl-1 token=[Redacted]' });
    expect(out.lines[0]).toMatchObject({ component: 'gateway', apiKey: '[Redacted]', nested: { secret: '[Redacted]' } });
    expect(h.span('sign').attributes['exchange.venue']).toBe('binance');
  });

  it('a correlation id that came as baggage from another process is redacted in the line too', () => {
    h = tracingHarness();
    const out = capture();
    const logger = createLogger({ destination: out.stream, env: {} });
    const remote = propagation.extract(ROOT_CONTEXT, { baggage: `trading.correlation_id=${encodeURIComponent(`up-1 secret=${SECRETS[1]}`)}` });
    context.with(remote, () => logger.info('from upstream'));
    expect(out.raw()).not.toContain(SECRETS[1]);
    expect(out.lines[0]).toMatchObject({ correlation_id: 'up-1 secret=[Redacted]' });
  });

  it('takes its level from LOG_LEVEL and rejects an unknown one, naming the variable', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream, env: { LOG_LEVEL: 'warn' } });
    logger.info('hidden');
    logger.warn('shown');
    expect(out.lines.map((l) => l.msg)).toEqual(['shown']);
    expect(() => createLogger({ env: { LOG_LEVEL: 'loud' } })).toThrow(TelemetryConfigError);
    expect(() => createLogger({ env: { LOG_LEVEL: 'loud' } })).toThrow(/^LOG_LEVEL: /);
  });

  it('child loggers name their component and keep trace fields', () => {
    h = tracingHarness();
    const out = capture();
    const child = createLogger({ destination: out.stream, env: {} }).child({ component: 'risk' });
    withSpan('check', () => child.info('ok'));
    expect(out.lines[0]).toMatchObject({ component: 'risk', span_id: h.span('check').spanContext().spanId });
  });

  it('a child that re-binds a key (component) writes it once per line, the child’s value', () => {
    const out = capture();
    const root = createLogger({ component: 'bot', destination: out.stream, env: {}, level: 'debug' });
    const child = root.child({ component: 'orders', desk: 'a' });
    child.debug('placed');
    child.child({ component: 'risk' }).info('checked');
    root.info('root');
    const raw = out.raw().trim().split('\n');
    for (const line of raw) expect(line.match(/"component":/g), line).toHaveLength(1);
    expect(out.lines.map((l) => [l.component, l.desk, l.msg, l.level])).toEqual([
      ['orders', 'a', 'placed', 20],
      ['risk', 'a', 'checked', 30],
      ['bot', undefined, 'root', 30],
    ]);
  });

  it('sends records to the OpenTelemetry logs API, linked to the active span, when asked', () => {
    h = tracingHarness();
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
    logs.setGlobalLoggerProvider(provider);
    try {
      const out = capture();
      const logger = createLogger({ destination: out.stream, env: {}, otel: true, component: 'strategy' });
      withSpan('decide', () => logger.warn({ symbol: 'BTC-USDT', apiKey: SECRETS[0] }, 'spread %s bp', 12));
      const [record] = exporter.getFinishedLogRecords();
      expect(record?.body).toBe('spread 12 bp');
      expect(record?.severityText).toBe('WARN');
      expect(record?.attributes).toMatchObject({ symbol: 'BTC-USDT', apiKey: '[Redacted]', component: 'strategy' });
      expect(record?.spanContext?.spanId).toBe(h.span('decide').spanContext().spanId);
      expect(record?.instrumentationScope.name).toBe('strategy');
    } finally {
      logs.disable();
    }
  });
});
