import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import client from 'prom-client';
import { createTradingTelemetry } from 'trading-telemetry';
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
