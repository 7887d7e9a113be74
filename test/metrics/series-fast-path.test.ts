import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  type MetricProducer,
  MeterProvider,
  type MetricReader,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTradingTelemetry, Instruments, SeriesProducer, type TradingTelemetry } from 'trading-telemetry';
import { ORDER_STAGES, TERMINAL_STATUSES } from 'trading-telemetry/conventions';
import { OnDemandReader } from '../support/metric-collector.js';

/** Every instrument the fast path carries: the facade's counters, gauges and histograms. */
const PRODUCED = new Set<string>(
  [
    Instruments.orders,
    Instruments.trades,
    Instruments.positionSize,
    Instruments.balance,
    Instruments.realizedPnl,
    Instruments.unrealizedPnl,
    Instruments.marketDataMessages,
    Instruments.exchangeConnected,
    Instruments.exchangeReconnects,
    Instruments.slippage,
    Instruments.fillRatio,
    Instruments.stageDuration,
    Instruments.orderDuration,
    Instruments.marketDataLatency,
  ].map((i) => i.name),
);

/** One record through the facade, on a small set of series (some past the cardinality limit). */
const record = fc.record({
  symbol: fc.constantFrom('BTC-USD', 'ETH-USD', 'SOL-USD', 'ADA-USD', 'bad symbol'),
  side: fc.constantFrom('buy', 'sell'),
  kind: fc.constantFrom('slippage', 'fillRatio', 'stage', 'order', 'marketData', 'counts', 'portfolio', 'connection'),
  value: fc.oneof(fc.double({ min: -500, max: 500, noNaN: true }), fc.constantFrom(0, 0.001, 1, 10, NaN, Infinity, -1)),
  stage: fc.constantFrom(...ORDER_STAGES),
  status: fc.constantFrom(...TERMINAL_STATUSES),
});
type Record = typeof record extends fc.Arbitrary<infer R> ? R : never;

function apply(t: TradingTelemetry, r: Record): void {
  const orders = t.orders.for({ exchange: 'sim', symbol: r.symbol, side: r.side });
  if (r.kind === 'slippage') orders.slippage(r.value);
  else if (r.kind === 'fillRatio') orders.fillRatio(r.value);
  else if (r.kind === 'stage') orders.stageDuration(r.stage, r.value);
  else if (r.kind === 'order') orders.orderDuration(r.status, r.value);
  else if (r.kind === 'marketData') t.marketData.for('sim', r.symbol).message(1, Date.now() - Math.abs(r.value));
  else if (r.kind === 'counts') {
    orders.placed(Math.abs(Math.round(r.value)) % 5);
    orders.filled();
    orders.rejected('rate_limited');
    orders.trade();
  } else if (r.kind === 'portfolio') {
    t.portfolio.setPosition('sim', r.symbol, r.value);
    t.portfolio.setBalance('sim', 'USD', r.value * 100);
    t.portfolio.setPnl({ realized: r.value, unrealized: -r.value, strategy: r.side });
  } else {
    t.marketData.setConnected(r.symbol === 'BTC-USD' ? 'sim' : 'other', r.value > 0);
    if (r.value > 100) t.marketData.reconnected('sim');
  }
}

/** Two facades fed the same records: one through the SDK's histograms, one through the producer. */
function pair(readers: (producers: MetricProducer[]) => MetricReader): { sdk: MetricReader; fast: MetricReader; feed: (records: readonly Record[]) => void } {
  const sdk = readers([]);
  const producer = new SeriesProducer();
  const fast = readers([producer]);
  const clock = (): number => 1_700_000_000_000;
  const plain = createTradingTelemetry({ meterProvider: new MeterProvider({ readers: [sdk] }), cardinalityLimit: 3, clock });
  const produced = createTradingTelemetry({ meterProvider: new MeterProvider({ readers: [fast] }), cardinalityLimit: 3, clock, seriesProducer: producer });
  return {
    sdk,
    fast,
    feed: (records) => {
      for (const r of records) {
        apply(plain, r);
        apply(produced, r);
      }
    },
  };
}

/** The produced metrics of a collection, without timestamps, series sorted: what must be identical. */
function produced(resourceMetrics: ResourceMetrics): unknown[] {
  const out: unknown[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (!PRODUCED.has(metric.descriptor.name)) continue;
      out.push({
        type: metric.dataPointType,
        monotonic: metric.dataPointType === DataPointType.SUM ? metric.isMonotonic : undefined,
        scope: { name: scope.scope.name, version: scope.scope.version },
        name: metric.descriptor.name,
        unit: metric.descriptor.unit,
        description: metric.descriptor.description,
        valueType: metric.descriptor.valueType,
        temporality: metric.aggregationTemporality,
        points: metric.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })).sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes))),
      });
    }
  }
  return out.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('the fast path (SeriesProducer) exports exactly what the SDK path does, for counters, gauges and histograms', () => {
  it('collected data: names, units, attributes, buckets, count, sum, min, max, temporality (200 random record sequences)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 60 }), async (records) => {
        const { sdk, fast, feed } = pair((producers) => new OnDemandReader(producers));
        feed(records);
        const [a, b] = await Promise.all([sdk.collect(), fast.collect()]);
        expect(produced(b.resourceMetrics)).toEqual(produced(a.resourceMetrics));
      }),
      { numRuns: 200 },
    );
  });

  it('Prometheus: the /metrics text of every produced instrument is identical', async () => {
    const { sdk, fast, feed } = pair((producers) => new PrometheusExporter({ preventServerStart: true, metricProducers: producers }));
    feed(fc.sample(record, { numRuns: 500, seed: 42 }));
    const serializer = new PrometheusSerializer();
    const text = async (reader: MetricReader): Promise<string[]> =>
      serializer
        .serialize((await reader.collect()).resourceMetrics)
        .split('\n')
        .filter((line) => /^(# (HELP|TYPE|UNIT) )?trading_(orders_total|trades_total|position_size|balance|pnl_|market_data_|exchange_(connected|reconnects)|order_(slippage|fill_ratio|stage_duration|duration))/.test(line))
        .sort();
    const expected = await text(sdk);
    expect(expected.length).toBeGreaterThan(50);
    expect(await text(fast)).toEqual(expected);
  });

  it('OTLP push path: a periodic reader exports identical cumulative data', async () => {
    const exporters = new Map<MetricReader, InMemoryMetricExporter>();
    const { sdk, fast, feed } = pair((producers) => {
      const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000, metricProducers: producers });
      exporters.set(reader, exporter);
      return reader;
    });
    feed(fc.sample(record, { numRuns: 500, seed: 7 }));
    await Promise.all([sdk.forceFlush(), fast.forceFlush()]);
    const exported = (reader: MetricReader): unknown[] => {
      const batch = exporters.get(reader)?.getMetrics().at(-1);
      if (batch === undefined) throw new Error('nothing exported');
      return produced(batch);
    };
    expect(exported(sdk).length).toBeGreaterThan(5); // the comparison is not of two empty exports
    expect(exported(fast)).toEqual(exported(sdk));
    await Promise.all([sdk.shutdown(), fast.shutdown()]);
  });
});
