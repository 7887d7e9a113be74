import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import client from 'prom-client';
import { createTradingTelemetry, SeriesProducer } from 'trading-telemetry';
import { PrometheusText } from '../../src/server/prometheus-text.js';
import type { Suite } from '../harness.js';

/**
 * Rendering /metrics with `seriesCount` position series (exchange, symbol): the facade through
 * the Prometheus reader's collection on the fast path and PrometheusText (what a scrape runs), and
 * prom-client's registry holding the same series.
 */
export function scrapeCostSuite(seriesCount: number): Suite {
  // The fast path, as startTelemetry sets it up. (The SDK path is not compared: the SDK caps
  // each instrument at 2000 series by default, so it would render fewer series than asked.)
  const seriesProducer = new SeriesProducer();
  const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [seriesProducer] });
  const telemetry = createTradingTelemetry({ meterProvider: new MeterProvider({ readers: [exporter] }), cardinalityLimit: seriesCount + 10, seriesProducer });
  const serializer = new PrometheusText(); // what /metrics renders with
  const registry = new client.Registry();
  const gauge = new client.Gauge({ name: 'trading_position_size', help: 'position', labelNames: ['trading_exchange', 'trading_symbol'] as const, registers: [registry] });
  for (let i = 0; i < seriesCount; i++) {
    telemetry.portfolio.setPosition('binance', `S${i}-USDT`, i);
    gauge.set({ trading_exchange: 'binance', trading_symbol: `S${i}-USDT` }, i);
  }
  let bytes = 0;
  const render = (from: PrometheusExporter) => async (): Promise<void> => {
    const { resourceMetrics } = await from.collect();
    bytes += serializer.serialize(resourceMetrics).length;
  };
  return {
    title: `Scrape cost: /metrics with ${seriesCount.toLocaleString('en-US')} series`,
    cases: [
      { name: 'facade /metrics (collect + render)', fn: render(exporter) },
      { name: 'prom-client registry.metrics()', fn: async () => void (bytes += (await registry.metrics()).length) },
    ],
    ratios: [['facade /metrics (collect + render)', 'prom-client registry.metrics()']],
    ...(seriesCount === 10_000 ? { targets: { 'facade /metrics (collect + render) / prom-client registry.metrics()': 1 } } : {}),
  };
}
