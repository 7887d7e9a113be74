import { afterEach, describe, expect, it } from 'vitest';
import { type TelemetryHandle, startTelemetry } from 'trading-telemetry';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { receiver, run } from '../support/processes.js';

describe('startTelemetry', () => {
  let handle: TelemetryHandle | undefined;
  afterEach(async () => {
    await handle?.shutdown();
    handle = undefined;
  });

  it('serves /metrics that promtool accepts with no lint errors, with the resource identity', async () => {
    handle = await startTelemetry({
      serviceName: 'bot-under-test',
      serviceVersion: '1.2.3',
      environment: 'test',
      server: { port: 0 },
      env: {},
    });
    const orders = handle.telemetry.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy', strategy: 'mm' });
    orders.placed();
    orders.filled();
    orders.rejected('price_out_of_band');
    orders.stageDuration('acknowledged', 0.0021);
    orders.orderDuration('filled', 0.05);
    orders.slippage(-1.5);
    orders.fillRatio(1);
    handle.telemetry.portfolio.setPnl({ realized: -12.5 });
    handle.telemetry.marketData.for('binance', 'BTC-USDT').message();
    handle.telemetry.orders.for({ exchange: 'bin"ance', symbol: 'x', side: 'buy' }).placed();

    expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${handle.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('trading_orders_total{');
    expect(text).toContain('trading_order_stage_duration_bucket{');
    expect(text).toContain('trading_pnl_realized{');
    expect(text).toContain('trading_telemetry_rejected_measurements_total{instrument="trading.orders",reason="invalid_label"');
    expect(text).toMatch(/^v8js_memory_heap_used/m); // runtime metrics
    expect(text).toMatch(/^process_memory_usage\{[^}]*\} [1-9]\d{6,}/m); // resident memory, bytes
    expect(text).toMatch(/target_info\{[^}]*service_name="bot-under-test"/);
    expect(text).toMatch(/target_info\{[^}]*service_version="1\.2\.3"/);
    expect(text).toMatch(/target_info\{[^}]*service_instance_id="[0-9a-f-]{36}"/);
    expect(text).toMatch(/target_info\{[^}]*deployment_environment_name="test"/);
    expect(text).not.toContain('bin\\"ance');

    const promtool = await run('promtool', ['check', 'metrics'], text);
    expect(promtool.output).toBe('');
    expect(promtool.code).toBe(0);
  });

  it('answers 404 for unknown paths', async () => {
    handle = await startTelemetry({ serviceName: 's', server: { port: 0 }, env: {} });
    expect((await fetch(`${handle.url}/nope`)).status).toBe(404);
  });

  it('gives a working facade and starts nothing when OTEL_SDK_DISABLED=true', async () => {
    handle = await startTelemetry({ env: { OTEL_SDK_DISABLED: 'true' } });
    expect(handle.server).toBeUndefined();
    expect(() => handle?.telemetry.orders.for({ exchange: 'x', symbol: 'y', side: 'buy' }).placed()).not.toThrow();
    await handle.forceFlush();
  });

  it('fails with a typed error, before starting anything, when the port is taken', async () => {
    handle = await startTelemetry({ serviceName: 's', server: { port: 0 }, env: {} });
    const port = handle.server?.address().port ?? 0;
    await expect(startTelemetry({ serviceName: 's2', server: { port }, env: {} })).rejects.toThrow(/EADDRINUSE/);
  });

  it('exports spans over OTLP/HTTP to the configured endpoint on forceFlush', async () => {
    const collector = await receiver(() => ({ status: 200 }));
    try {
      handle = await startTelemetry({ serviceName: 's', server: false, otlp: { endpoint: collector.url }, env: {} });
      const { trace } = await import('@opentelemetry/api');
      trace.getTracer('test').startSpan('order').end();
      await handle.forceFlush();
      expect(collector.bodies.length).toBeGreaterThan(0);
    } finally {
      await collector.close();
    }
  });

  it.each([
    [{}, ['order.lifecycle'], ['order.sent', 'order.acknowledged', 'order.filled']],
    [{ stageSpans: true }, ['order.acknowledged', 'order.filled', 'order.lifecycle', 'order.sent'], []],
  ])('traces order stages as events, or as child spans with orders.stageSpans (%j)', async (orders, spans, events) => {
    const collector = await OtlpReceiver.start();
    try {
      handle = await startTelemetry({ serviceName: 's', server: false, otlp: { endpoint: collector.url }, orders, env: {} });
      handle.telemetry.orders.track({ exchange: 'x', symbol: 'BTC-USD', side: 'buy', quantity: 1 }).sent().acknowledged().filled();
      await handle.forceFlush();
      expect(collector.spans.map((span) => span.name).sort()).toEqual(spans);
      expect(collector.spans.find((span) => span.name === 'order.lifecycle')?.events.map((e) => e.name)).toEqual(events);
    } finally {
      await collector.close();
    }
  });

  it('exports log records over OTLP/HTTP and accounts for both signals in exportHealth()', async () => {
    const paths: string[] = [];
    const collector = await receiver((request) => {
      paths.push(request.url ?? '');
      return { status: 200 };
    });
    try {
      handle = await startTelemetry({ serviceName: 's', server: false, otlp: { endpoint: collector.url }, env: {} });
      const { logs } = await import('@opentelemetry/api-logs');
      logs.getLogger('test').emit({ body: 'order filled', attributes: { 'trading.correlation_id': 'c-1' } });
      await handle.forceFlush();
      expect(paths).toContain('/v1/logs');
      const health = handle.exportHealth();
      expect(health.map((h) => [h.signal, h.exported])).toEqual([
        ['traces', 0],
        ['logs', 1],
      ]);
    } finally {
      await collector.close();
    }
  });

  it('bounds shutdown when the collector hangs, and when it is unreachable', async () => {
    const hanging = await receiver(() => 'hang');
    try {
      for (const endpoint of [hanging.url, 'http://127.0.0.1:1']) {
        const started = await startTelemetry({
          serviceName: 's',
          server: false,
          otlp: { endpoint, timeoutMillis: 30_000 },
          shutdownTimeoutMillis: 300,
          env: {},
        });
        const { trace } = await import('@opentelemetry/api');
        for (let i = 0; i < 10; i++) trace.getTracer('test').startSpan(`order-${i}`).end();
        const began = performance.now();
        await started.shutdown();
        const took = performance.now() - began;
        // Bounded by shutdownTimeoutMillis, never by the 30 s export timeout.
        expect(took).toBeLessThan(5_000);
        if (endpoint === hanging.url) {
          expect(took).toBeGreaterThanOrEqual(250); // it really waited on the hung export
          expect(hanging.bodies.length).toBeGreaterThan(0);
        }
      }
    } finally {
      await hanging.close();
    }
  });
});
