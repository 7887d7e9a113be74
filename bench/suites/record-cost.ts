import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import client from 'prom-client';
import { createTradingTelemetry, SeriesProducer } from 'trading-telemetry';
import { LATENCY_BUCKETS_SECONDS } from 'trading-telemetry/conventions';
import type { TracedOrderMetrics } from '../../src/metrics/order-exemplars.js';
import type { Suite } from '../harness.js';

/**
 * The cost of recording one counter increment with the same 4 labels (exchange, symbol, side,
 * order type) and the status, through our bound handle, our unbound call, raw OTel
 * Counter.add, and prom-client. All three export through a Prometheus registry/reader.
 */
export function recordCostSuite(): Suite {
  const provider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
  const telemetry = createTradingTelemetry({ meterProvider: provider });
  const key = { exchange: 'binance', symbol: 'BTC-USDT', side: 'buy', orderType: 'limit' } as const;
  const bound = telemetry.orders.for(key);

  const rawCounter = provider.getMeter('raw').createCounter('raw_orders');
  const rawAttributes = {
    'trading.exchange': 'binance',
    'trading.symbol': 'BTC-USDT',
    'trading.side': 'buy',
    'trading.order.type': 'limit',
    'trading.order.status': 'placed',
  };

  const registry = new client.Registry();
  const promCounter = new client.Counter({
    name: 'prom_orders_total',
    help: 'orders',
    labelNames: ['exchange', 'symbol', 'side', 'order_type', 'status'] as const,
    registers: [registry],
  });
  const promLabels = { exchange: 'binance', symbol: 'BTC-USDT', side: 'buy', order_type: 'limit', status: 'placed' };
  const promChild = promCounter.labels(promLabels);

  let sink = 0;
  return {
    title: 'Counter record cost (5 labels, same series every time)',
    cases: [
      { name: 'no-op baseline', fn: () => void (sink += 1) },
      { name: 'facade bound handle', fn: () => bound.placed() },
      { name: 'facade unbound (for(key) per call)', fn: () => telemetry.orders.for(key).placed() },
      { name: 'raw OTel Counter.add', fn: () => rawCounter.add(1, rawAttributes) },
      { name: 'prom-client inc(labels)', fn: () => promCounter.inc(promLabels) },
      { name: 'prom-client labels().inc() bound', fn: () => promChild.inc() },
    ],
    ratios: [
      ['facade bound handle', 'prom-client inc(labels)'],
      ['facade bound handle', 'raw OTel Counter.add'],
      ['facade unbound (for(key) per call)', 'raw OTel Counter.add'],
      ['raw OTel Counter.add', 'prom-client inc(labels)'],
    ],
    targets: {
      'facade bound handle / prom-client inc(labels)': 0.5,
      'facade unbound (for(key) per call) / raw OTel Counter.add': 1,
    },
  };
}

/**
 * The cost of setting one gauge (a position: exchange and symbol) through the facade, a raw OTel
 * synchronous Gauge, and prom-client, with the same two labels everywhere.
 */
export function gaugeCostSuite(): Suite {
  const provider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
  const telemetry = createTradingTelemetry({ meterProvider: provider });
  const position = telemetry.portfolio.positionGauge('binance', 'BTC-USDT');
  const rawGauge = provider.getMeter('raw').createGauge('raw_position');
  const rawAttributes = { 'trading.exchange': 'binance', 'trading.symbol': 'BTC-USDT' };
  const registry = new client.Registry();
  const promGauge = new client.Gauge({ name: 'prom_position', help: 'position', labelNames: ['exchange', 'symbol'] as const, registers: [registry] });
  const promLabels = { exchange: 'binance', symbol: 'BTC-USDT' };
  const promChild = promGauge.labels(promLabels);
  let size = 0;
  return {
    title: 'Gauge record cost (2 labels: a position)',
    cases: [
      { name: 'no-op baseline', fn: () => void (size += 1) },
      { name: 'facade bound handle (positionGauge)', fn: () => position.set(++size) },
      { name: 'facade setPosition', fn: () => telemetry.portfolio.setPosition('binance', 'BTC-USDT', ++size) },
      { name: 'raw OTel Gauge.record', fn: () => rawGauge.record(++size, rawAttributes) },
      { name: 'prom-client set(labels)', fn: () => promGauge.set(promLabels, ++size) },
      { name: 'prom-client labels().set() bound', fn: () => promChild.set(++size) },
    ],
    ratios: [
      ['facade bound handle (positionGauge)', 'prom-client set(labels)'],
      ['facade setPosition', 'raw OTel Gauge.record'],
    ],
    targets: { 'facade bound handle (positionGauge) / prom-client set(labels)': 0.5, 'facade setPosition / raw OTel Gauge.record': 1 },
  };
}

/**
 * The cost of one histogram record (slippage: exchange, symbol, side and direction) through the
 * facade's bound handle, raw OTel Histogram.record, and prom-client, with the same 4 labels.
 */
export function histogramCostSuite(): Suite {
  // The fast path, as startTelemetry sets it up: the producer exports the facade's bucket counts.
  const seriesProducer = new SeriesProducer();
  const provider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true, metricProducers: [seriesProducer] })] });
  const telemetry = createTradingTelemetry({ meterProvider: provider, seriesProducer });
  const bound = telemetry.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy' });
  // Over a provider the producer is not attached to, histograms record through the SDK.
  const sdkPath = createTradingTelemetry({ meterProvider: new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] }) });
  const sdkBound = sdkPath.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy' });
  const rawHistogram = provider.getMeter('raw').createHistogram('raw_slippage');
  const rawAttributes = { 'trading.exchange': 'binance', 'trading.symbol': 'BTC-USDT', 'trading.side': 'buy', 'trading.slippage.direction': 'adverse' };
  const registry = new client.Registry();
  const promHistogram = new client.Histogram({
    name: 'prom_slippage',
    help: 'slippage',
    labelNames: ['exchange', 'symbol', 'side', 'direction'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  });
  const promLabels = { exchange: 'binance', symbol: 'BTC-USDT', side: 'buy', direction: 'adverse' };
  const promChild = promHistogram.labels(promLabels);
  let bps = 0;
  const next = (): number => (bps = (bps + 7.3) % 400);
  return {
    title: 'Histogram record cost (4 labels: slippage)',
    cases: [
      { name: 'no-op baseline', fn: () => void next() },
      { name: 'facade bound handle', fn: () => bound.slippage(next()) },
      { name: 'facade bound handle, SDK path', fn: () => sdkBound.slippage(next()) },
      { name: 'raw OTel Histogram.record', fn: () => rawHistogram.record(next(), rawAttributes) },
      { name: 'prom-client observe(labels)', fn: () => promHistogram.observe(promLabels, next()) },
      { name: 'prom-client labels().observe() bound', fn: () => promChild.observe(next()) },
    ],
    ratios: [
      ['facade bound handle', 'prom-client observe(labels)'],
      ['facade bound handle', 'raw OTel Histogram.record'],
    ],
    targets: { 'facade bound handle / prom-client observe(labels)': 0.5 },
  };
}

/**
 * What exemplar capture costs: the bound handle's plain histogram record (order duration,
 * exchange and status) into a series that never had an exemplar and into one that holds them,
 * and the record plus the capture a sampled order's end adds (one exemplar: a binary search
 * and four assignments). The plain record never touches exemplars; these cases show it.
 */
export function exemplarCostSuite(): Suite {
  const seriesProducer = new SeriesProducer();
  const provider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true, metricProducers: [seriesProducer] })] });
  const telemetry = createTradingTelemetry({ meterProvider: provider, seriesProducer });
  // The handle order traces record through; the public type leaves the exemplar methods out.
  const bound = telemetry.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy' }) as TracedOrderMetrics;
  const trace = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
  // Both series exist before measuring; 'cancelled' holds an exemplar in every bucket.
  bound.orderDuration('filled', 0.01);
  for (const seconds of [0.00001, ...LATENCY_BUCKETS_SECONDS, 100]) {
    bound.orderDuration('cancelled', seconds);
    bound.orderDurationExemplar('cancelled', seconds, trace, Date.now());
  }
  let seconds = 0;
  const next = (): number => (seconds = (seconds + 0.0137) % 12);
  return {
    title: 'Exemplar capture cost (order duration histogram, bound handle)',
    cases: [
      { name: 'no-op baseline', fn: () => void next() },
      { name: 'record, series without exemplars', fn: () => bound.orderDuration('filled', next()) },
      { name: 'record, series holding exemplars', fn: () => bound.orderDuration('cancelled', next()) },
      {
        name: 'record + exemplar capture',
        fn: () => {
          const value = next();
          bound.orderDuration('cancelled', value);
          bound.orderDurationExemplar('cancelled', value, trace, 1_700_000_000_000);
        },
      },
    ],
    ratios: [
      ['record, series holding exemplars', 'record, series without exemplars'],
      ['record + exemplar capture', 'record, series without exemplars'],
    ],
    targets: { 'record, series holding exemplars / record, series without exemplars': 1.05 },
  };
}
