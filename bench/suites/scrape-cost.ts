import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import client from 'prom-client';
import { createTradingTelemetry } from 'trading-telemetry';
import type { Suite } from '../harness.js';

/**
 * Rendering /metrics with `seriesCount` position series (exchange, symbol): the facade through
 * the OTel Prometheus exporter (collect + serialize, what a scrape runs), and prom-client's
 * registry holding the same series.
 */
export function scrapeCostSuite(seriesCount: number): Suite {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  const telemetry = createTradingTelemetry({ meterProvider: provider, cardinalityLimit: seriesCount + 10 });
  const serializer = new PrometheusSerializer();
  const registry = new client.Registry();
  const gauge = new client.Gauge({ name: 'trading_position_size', help: 'position', labelNames: ['trading_exchange', 'trading_symbol'] as const, registers: [registry] });
  for (let i = 0; i < seriesCount; i++) {
    telemetry.portfolio.setPosition('binance', `S${i}-USDT`, i);
    gauge.set({ trading_exchange: 'binance', trading_symbol: `S${i}-USDT` }, i);
  }
  let bytes = 0;
  return {
    title: `Scrape cost: /metrics with ${seriesCount.toLocaleString('en-US')} series`,
    cases: [
      {
        name: 'facade (OTel exporter collect + serialize)',
        fn: async () => {
          const { resourceMetrics } = await exporter.collect();
          bytes += serializer.serialize(resourceMetrics).length;
        },
      },
      { name: 'prom-client registry.metrics()', fn: async () => void (bytes += (await registry.metrics()).length) },
    ],
    ratios: [['facade (OTel exporter collect + serialize)', 'prom-client registry.metrics()']],
    ...(seriesCount === 10_000 ? { targets: { 'facade (OTel exporter collect + serialize) / prom-client registry.metrics()': 1 } } : {}),
  };
}
