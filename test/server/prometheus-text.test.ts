import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTradingTelemetry, SeriesProducer } from 'trading-telemetry';
import { PrometheusText } from '../../src/server/prometheus-text.js';

const text = fc.oneof(fc.string(), fc.constantFrom('a"b', 'a\nb', 'a\\b', 'é💥', '', '{x="y"}', 'le'));
const attributeValue = fc.oneof(text, fc.double(), fc.integer(), fc.boolean(), fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }));
const attributes = fc.dictionary(fc.oneof(fc.constantFrom('trading.exchange', 'a-b', 'le', '9x', 'ünï'), fc.string({ maxLength: 8 })), attributeValue, { maxKeys: 4 });
const instrumentName = fc.constantFrom('raw.counter', 'raw-gauge', 'raw_histogram_total', '9starts.with.digit', 'x');

/** A provider with every kind of data: the facade's produced series, and raw SDK instruments with arbitrary attributes. */
function world(resource: Record<string, string>, version: string | undefined, schemaUrl: string | undefined): {
  exporter: PrometheusExporter;
  record: (records: readonly { attributes: Record<string, unknown>; value: number; name: string; unit: string; description: string }[]) => void;
} {
  const producer = new SeriesProducer();
  const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [producer] });
  const provider = new MeterProvider({ readers: [exporter], resource: resourceFromAttributes(resource) });
  const telemetry = createTradingTelemetry({ meterProvider: provider, seriesProducer: producer, cardinalityLimit: 5 });
  const meter = provider.getMeter('raw.scope', version, schemaUrl === undefined ? {} : { schemaUrl });
  return {
    exporter,
    record: (records) => {
      for (const [i, r] of records.entries()) {
        const attrs = r.attributes as Parameters<typeof meter.createCounter>[1] & Record<string, never>;
        meter.createCounter(`${r.name}.c`, { unit: r.unit, description: r.description }).add(Math.abs(r.value), attrs);
        meter.createUpDownCounter(`${r.name}.u`).add(r.value, attrs);
        meter.createGauge(`${r.name}.g`, { unit: r.unit }).record(r.value, attrs);
        meter.createHistogram(`${r.name}.h`, { description: r.description, advice: { explicitBucketBoundaries: [0, 1, 10] } }).record(Math.abs(r.value), attrs);
        const orders = telemetry.orders.for({ exchange: 'sim', symbol: `S${i % 7}`, side: 'buy' });
        orders.placed();
        orders.slippage(r.value);
        telemetry.portfolio.setPosition('sim', `S${i % 7}`, r.value);
      }
    },
  };
}

describe('PrometheusText', () => {
  it('renders exactly what the OTel PrometheusSerializer renders, collection after collection (300 random worlds)', async () => {
    const record = fc.record({
      attributes,
      value: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer()),
      name: instrumentName,
      unit: fc.constantFrom('', 's', '{order}', 'a\\b'),
      description: fc.constantFrom('', 'plain', 'multi\nline', 'back\\slash'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('service.name', 'host.name', 'x-y'), text, { maxKeys: 3 }),
        fc.option(fc.constantFrom('1.0.0', ''), { nil: undefined }),
        fc.option(fc.constantFrom('https://opentelemetry.io/schemas/1.30.0', ''), { nil: undefined }),
        fc.array(record, { maxLength: 8 }),
        fc.array(record, { maxLength: 8 }),
        async (resource, version, schemaUrl, first, second) => {
          const { exporter, record: feed } = world(resource, version, schemaUrl);
          const ours = new PrometheusText();
          const theirs = new PrometheusSerializer();
          for (const batch of [first, second]) {
            feed(batch);
            const { resourceMetrics } = await exporter.collect();
            expect(ours.serialize(resourceMetrics)).toBe(theirs.serialize(resourceMetrics));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says so when nothing is registered, as the exporter does', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    new MeterProvider({ readers: [exporter] });
    const { resourceMetrics } = await exporter.collect();
    expect(new PrometheusText().serialize(resourceMetrics)).toBe(new PrometheusSerializer().serialize(resourceMetrics));
  });
});
