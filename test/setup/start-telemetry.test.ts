import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry, TelemetryConfigError, type TelemetryHandle } from 'trading-telemetry';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { ingest } from '../support/openmetrics-check.js';
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

  it('serves OpenMetrics with the order traces’ exemplars to a scraper that prefers it, with the series of the text format', async () => {
    // No runtime metrics: they appear on their own schedule, between the two scrapes.
    handle = await startTelemetry({ serviceName: 'bot-under-test', server: { port: 0 }, runtimeMetrics: false, env: {} });
    const order = handle.telemetry.orders.track({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy', quantity: 1 });
    order.sent().acknowledged().filled();
    const traceId = order.summary().traceId;
    const scrape = async (accept: string): Promise<Response> => fetch(`${handle?.url ?? ''}/metrics`, { headers: { accept } });

    const openMetrics = await scrape('application/openmetrics-text;version=1.0.0;q=0.7,text/plain;version=0.0.4;q=0.4,*/*;q=0.3');
    expect(openMetrics.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const ingested = await ingest(await openMetrics.text(), 'openmetrics');
    const withExemplars = new Set(ingested.exemplars.map((e) => /__name__="([^"]+)"/.exec(e.series)?.[1]));
    expect(withExemplars).toEqual(new Set(['trading_order_duration_bucket', 'trading_order_stage_duration_bucket']));
    expect(new Set(ingested.exemplars.map((e) => e.labels.trace_id))).toEqual(new Set([traceId]));

    const text = await scrape('text/plain;version=0.0.4');
    expect(text.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const fromText = await ingest(await text.text(), 'prometheus');
    const series = (samples: readonly { series: string }[]): string[] => samples.map((s) => s.series).sort();
    expect(series(ingested.samples)).toEqual(series(fromText.samples));
  });

  it('answers 404 for unknown paths', async () => {
    handle = await startTelemetry({ serviceName: 's', server: { port: 0 }, env: {} });
    expect((await fetch(`${handle.url}/nope`)).status).toBe(404);
  });

  it('gives a working facade and starts nothing when OTEL_SDK_DISABLED=true', async () => {
    handle = await startTelemetry({ env: { OTEL_SDK_DISABLED: 'true' } });
    expect(handle.url).toBeUndefined();
    expect(() => handle?.telemetry.orders.for({ exchange: 'x', symbol: 'y', side: 'buy' }).placed()).not.toThrow();
    await handle.forceFlush();
  });

  it('fails with a TelemetryConfigError naming the port and how to change it when the port is taken', async () => {
    handle = await startTelemetry({ serviceName: 's', server: { port: 0 }, env: {} });
    const port = Number(new URL(handle.url ?? '').port);
    const taken = startTelemetry({ serviceName: 's2', server: { port }, env: {} });
    await expect(taken).rejects.toBeInstanceOf(TelemetryConfigError);
    await expect(taken).rejects.toThrow(new RegExp(`^server\\.port: 127\\.0\\.0\\.1:${port} is already in use; .*OTEL_EXPORTER_PROMETHEUS_PORT`));
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

  it('exports the drop counters from 0 even without OTLP, so a healthy process shows a flat line', async () => {
    handle = await startTelemetry({ serviceName: 's', server: { port: 0 }, env: {} });
    const text = await (await fetch(`${handle.url}/metrics`)).text();
    for (const signal of ['traces', 'logs', 'metrics']) {
      for (const reason of ['queue_full', 'export_failed', 'export_timeout', 'shutdown']) {
        expect(text).toMatch(new RegExp(`trading_telemetry_dropped_total\\{[^}]*signal="${signal}"[^}]*reason="${reason}"[^}]*\\} 0`));
      }
    }
    expect(text).toMatch(/trading_telemetry_lifecycle_errors_total\{[^}]*reason="unknown_order"[^}]*\} 0/);
  });

  it('shutdown() is the one way down: draining, the lifecycle hooks in order, then telemetry; it does not exit', async () => {
    const steps: string[] = [];
    const started = await startTelemetry({ serviceName: 's', server: { port: 0 }, env: {}, lifecycle: { exit: () => steps.push('exit') } });
    started.lifecycle.onShutdown('first', () => void steps.push(`first:${started.lifecycle.state}`));
    started.lifecycle.onShutdown('second', () => void steps.push('second'));
    const url = started.url ?? '';
    await started.shutdown('test');
    await started.shutdown(); // idempotent
    expect(steps).toEqual(['first:draining', 'second']);
    expect(started.lifecycle.state).toBe('stopped');
    expect(started.lifecycle.exitCode).toBe(0);
    await expect(fetch(`${url}/health/live`)).rejects.toThrow(); // the server is closed
  });

  it('beyond loopback without a token: a loud warning at start, a reason in /health, state changes off', async () => {
    const warnings: string[] = [];
    const logger = { info: () => undefined, error: () => undefined, warn: (_fields: object, message: string) => void warnings.push(message) };
    handle = await startTelemetry({ serviceName: 's', server: { host: '0.0.0.0', port: 0 }, env: { TRADING_TELEMETRY_CHAOS: '1' }, logger });
    const port = new URL(handle.url ?? '').port;
    expect(warnings.find((w) => w.startsWith('SECURITY: serving'))).toMatch(/without a token.*state changes are off.*TRADING_TELEMETRY_TOKEN/);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { checks: { name: string; status: string; reason: string }[] };
    const exposure = health.checks.find((c) => c.name === 'server_exposure');
    expect(exposure?.status).toBe('degraded');
    expect(exposure?.reason).toContain('without a token');
    const heal = await fetch(`http://127.0.0.1:${port}/chaos/heal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(heal.status).toBe(403);
  });
});
