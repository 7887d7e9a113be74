import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry, type TelemetryHandle } from 'trading-telemetry';
import { AccountedMetricExporter } from '../../src/setup/accounted-metric-exporter.js';
import { eventually } from '../support/bot-process.js';
import { receiver } from '../support/processes.js';

interface OtlpMetricsRequest {
  resourceMetrics?: { scopeMetrics?: { scope?: { name?: string }; metrics?: { name: string; unit?: string; sum?: { dataPoints?: { asDouble?: number; attributes?: { key: string; value: { stringValue?: string } }[] }[] } }[] }[] }[];
}

/** The metrics of every OTLP/JSON request body received so far, by name. */
function metricsIn(bodies: readonly Buffer[]): Map<string, NonNullable<NonNullable<NonNullable<OtlpMetricsRequest['resourceMetrics']>[number]['scopeMetrics']>[number]['metrics']>[number]> {
  const found = new Map<string, NonNullable<NonNullable<NonNullable<OtlpMetricsRequest['resourceMetrics']>[number]['scopeMetrics']>[number]['metrics']>[number]>();
  for (const body of bodies) {
    const request = JSON.parse(body.toString('utf8')) as OtlpMetricsRequest;
    for (const resource of request.resourceMetrics ?? []) for (const scope of resource.scopeMetrics ?? []) for (const metric of scope.metrics ?? []) found.set(metric.name, metric);
  }
  return found;
}

describe('metrics over OTLP', () => {
  let handle: TelemetryHandle | undefined;
  // Down before its collector: a final export to a closed port is retried until the shutdown bound.
  const stop = async (): Promise<void> => {
    await handle?.shutdown();
    handle = undefined;
  };
  afterEach(stop);

  it('pushes the facade’s series (the producer is on the OTLP reader too) instead of serving /metrics, and accounts for every point', async () => {
    const paths: string[] = [];
    const collector = await receiver((request) => {
      paths.push(request.url ?? '');
      return { status: 200 };
    });
    try {
      handle = await startTelemetry({ serviceName: 's', server: { port: 0 }, otlp: { endpoint: collector.url }, metrics: { exporters: ['otlp'] }, env: {} });
      handle.telemetry.orders.for({ exchange: 'sim', symbol: 'BTC-USDT', side: 'buy' }).placed(3);
      handle.telemetry.orders.track({ exchange: 'sim', symbol: 'BTC-USDT', side: 'buy', quantity: 1 }).sent().acknowledged().filled();
      await handle.forceFlush();
      const metrics = metricsIn(collector.bodies.filter((_, i) => paths[i] === '/v1/metrics'));
      const placed = metrics.get('trading.orders')?.sum?.dataPoints?.find((p) => p.attributes?.some((a) => a.key === 'trading.order.status' && a.value.stringValue === 'placed'));
      expect(placed?.asDouble).toBe(4);
      expect(metrics.has('trading.telemetry.exported')).toBe(true); // the SDK's own instruments travel too
      // Without units, so Prometheus names them as /metrics does (no _seconds on the duration).
      expect(metrics.has('trading.order.duration')).toBe(true);
      expect([...metrics.values()].filter((m) => (m.unit ?? '') !== '').map((m) => m.name)).toEqual([]);
      // Instead of the pull endpoint: the server still serves health and the dashboard.
      expect((await fetch(`${handle.url ?? ''}/metrics`)).status).toBe(404);
      expect((await fetch(`${handle.url ?? ''}/health/live`)).status).toBe(200);
      const health = handle.exportHealth().find((h) => h.signal === 'metrics');
      expect(health?.exported).toBeGreaterThan(0);
      expect(health?.offered).toBe((health?.exported ?? 0) + Object.values(health?.dropped ?? {}).reduce((a, b) => a + b, 0) + (health?.queued ?? 0));
    } finally {
      await stop();
      await collector.close();
    }
  });

  it('pushes beside the pull endpoint with OTEL_METRICS_EXPORTER=otlp,prometheus, and counts refused exports as dropped, never throwing', async () => {
    const collector = await receiver(() => ({ status: 400 }));
    try {
      handle = await startTelemetry({
        serviceName: 's',
        server: { port: 0 },
        env: { OTEL_METRICS_EXPORTER: 'otlp,prometheus', OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_METRIC_EXPORT_INTERVAL: '200' },
      });
      await eventually(() => Promise.resolve((handle?.exportHealth().find((h) => h.signal === 'metrics')?.dropped.export_failed ?? 0) > 0 ? true : undefined), 'a refused metrics export counted', 10_000);
      const text = await (await fetch(`${handle.url ?? ''}/metrics`)).text();
      expect(text).toMatch(/trading_telemetry_dropped_total\{signal="metrics",reason="export_failed"[^}]*\} [1-9]/);
      expect(text).toMatch(/trading_telemetry_export_consecutive_failures\{signal="metrics"[^}]*\} [1-9]/);
    } finally {
      await stop();
      await collector.close();
    }
  });

  it('never holds more than one collection: an export while one hangs is dropped (queue_full), and a hung one times out', async () => {
    const hanging = await receiver(() => 'hang');
    try {
      const exporter = new AccountedMetricExporter(new OTLPMetricExporter({ url: `${hanging.url}/v1/metrics`, timeoutMillis: 300 }), 2000);
      const collected = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({ exporter: collected, exportIntervalMillis: 60_000 });
      new MeterProvider({ readers: [reader] }).getMeter('m').createCounter('c').add(1);
      await reader.forceFlush();
      const metrics = collected.getMetrics()[0] as ResourceMetrics;
      const results: ExportResult[] = [];
      exporter.export(metrics, (result) => results.push(result));
      exporter.export(metrics, (result) => results.push(result));
      expect(exporter.stats.health()).toMatchObject({ offered: 2, queued: 1, dropped: { queue_full: 1 } });
      await eventually(() => Promise.resolve(results.length === 2 ? true : undefined), 'the hung export to time out', 5_000);
      expect(results.map((r) => r.code)).toEqual([ExportResultCode.FAILED, ExportResultCode.FAILED]);
      expect(exporter.stats.health()).toMatchObject({ offered: 2, queued: 0, exported: 0, dropped: { queue_full: 1, export_timeout: 1 } });
      await exporter.shutdown();
      exporter.export(metrics, (result) => results.push(result));
      expect(exporter.stats.health().dropped.shutdown).toBe(1);
      await reader.shutdown();
    } finally {
      await hanging.close();
    }
  });
});
