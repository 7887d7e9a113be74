import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTradingTelemetry, SeriesProducer } from 'trading-telemetry';
import { canonicalNumber } from '../../src/server/openmetrics-parts.js';
import { PrometheusText } from '../../src/server/prometheus-text.js';
import { ingest } from '../support/openmetrics-check.js';

// Label names that stay distinct once sanitized, and neither `le` nor starting with a digit:
// what a valid exposition can carry in either format.
const text = fc.oneof(fc.string(), fc.constantFrom('a"b', 'a\nb', 'a\\b', 'é💥', '', '{x="y"}', 'le="1"}'));
const attributeValue = fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean());
const attributes = fc.dictionary(fc.constantFrom('trading.exchange', 'a-b', 'x.y.z', 'k'), attributeValue, { maxKeys: 3 });
// Each name keeps one unit and description, so no family is registered twice with different metadata.
const INSTRUMENTS = {
  'raw.counter': { unit: 's', description: 'plain' },
  'raw-gauge': { unit: '{order}', description: 'multi\nline "quoted"' },
  raw_histogram_total: { unit: '', description: '' },
  '9starts.with.digit': { unit: 'a\\b', description: 'back\\slash' },
} as const;
const bound = fc.oneof(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.constantFrom(0, 1, 1e-10, 5e-5, 1e-4, 0.1, 1e5, 1e6, 1e21, 5e-324, 1.7, 10));

/** The SDK's instruments with arbitrary data, the facade's series and traced orders, behind one Prometheus reader. */
function world(resource: Record<string, string>, boundaries: number[]) {
  const producer = new SeriesProducer();
  const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [producer] });
  const provider = new MeterProvider({ readers: [exporter], resource: resourceFromAttributes(resource) });
  const tracerProvider = new BasicTracerProvider({ sampler: new AlwaysOnSampler() });
  const telemetry = createTradingTelemetry({ meterProvider: provider, tracerProvider, seriesProducer: producer, cardinalityLimit: 5 });
  const meter = provider.getMeter('raw.scope', '1.0.0');
  // Its unit is the end of its name: the one family whose OpenMetrics UNIT line is allowed.
  const seconds = meter.createHistogram('request.duration.seconds', { unit: 'seconds', advice: { explicitBucketBoundaries: boundaries } });
  return {
    exporter,
    feed: (records: readonly { attributes: Record<string, string | number | boolean>; value: number; name: keyof typeof INSTRUMENTS }[]): void => {
      for (const [i, r] of records.entries()) {
        const { unit, description } = INSTRUMENTS[r.name];
        meter.createCounter(`${r.name}.c`, { unit, description }).add(Math.abs(r.value), r.attributes);
        meter.createUpDownCounter(`${r.name}.u`, { unit, description }).add(r.value, r.attributes);
        meter.createGauge(`${r.name}.g`, { unit, description }).record(r.value, r.attributes);
        meter.createHistogram(`${r.name}.h`, { unit, description, advice: { explicitBucketBoundaries: [0, 1, 10] } }).record(Math.abs(r.value), r.attributes);
        seconds.record(r.value, r.attributes);
        const order = telemetry.orders.track({ exchange: 'sim', symbol: `S${i % 3}`, side: 'buy', quantity: 1, price: 100 });
        order.sent().acknowledged().partiallyFilled({ quantity: 0.5, price: 100 + r.value / 1e6 });
        if (i % 3 === 0) order.rejected('insufficient_balance');
        else order.filled({ price: 100 });
        telemetry.portfolio.setPosition('sim', `S${i % 7}`, r.value);
      }
    },
  };
}

const sorted = <T extends { series: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));

describe('OpenMetrics text of /metrics', () => {
  it('is valid OpenMetrics to Prometheus 3’s parser, and holds exactly the series and values of the text format (100 random worlds)', async () => {
    const record = fc.record({
      attributes,
      value: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer()),
      name: fc.constantFrom(...(Object.keys(INSTRUMENTS) as (keyof typeof INSTRUMENTS)[])),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('service.name', 'host.name', 'x-y'), text, { maxKeys: 3 }),
        fc.uniqueArray(bound, { minLength: 1, maxLength: 6 }).map((b) => b.sort((x, y) => x - y)),
        fc.array(record, { maxLength: 6 }),
        fc.array(record, { maxLength: 6 }),
        async (resource, boundaries, first, second) => {
          const { exporter, feed } = world(resource, boundaries);
          const serializer = new PrometheusText();
          for (const batch of [first, second]) {
            feed(batch);
            const { resourceMetrics } = await exporter.collect();
            const fromOpenMetrics = await ingest(serializer.openMetrics(resourceMetrics), 'openmetrics');
            const fromText = await ingest(serializer.serialize(resourceMetrics), 'prometheus');
            // OpenMetrics forbids a sum on a histogram with negative buckets; nothing else differs.
            const noSum = (boundaries[0] ?? 0) < 0 ? '__name__="request_duration_seconds_sum"' : undefined;
            const expected = fromText.samples.filter((s) => noSum === undefined || !s.series.includes(noSum));
            expect(sorted(fromOpenMetrics.samples)).toEqual(sorted(expected));
            expect(fromOpenMetrics.families).toBe(fromText.families);
          }
        },
      ),
      { numRuns: 100 },
    );
  }, 120_000);

  it('renders `le` canonically, as OpenMetrics lists it and Go prints it', () => {
    const spec = [0, 0.001, 0.002, 0.01, 0.1, 0.9, 0.95, 0.99, 0.999, 1, 1.7, 10, 1e-10, 1e-9, 1e-5, 0.0001, 100000, 1e6, 1e10];
    expect(spec.map(canonicalNumber)).toEqual(['0.0', '0.001', '0.002', '0.01', '0.1', '0.9', '0.95', '0.99', '0.999', '1.0', '1.7', '10.0', '1e-10', '1e-09', '1e-05', '0.0001', '100000.0', '1e+06', '1e+10']);
    expect([-2.5, 1.5e-7, 123456789, Infinity, -Infinity, NaN].map(canonicalNumber)).toEqual(['-2.5', '1.5e-07', '1.23456789e+08', '+Inf', '-Inf', 'NaN']);
  });

  it('ends with # EOF and has no other comment than TYPE, UNIT and HELP, even with nothing registered', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    new MeterProvider({ readers: [exporter] });
    const { resourceMetrics } = await exporter.collect();
    const openMetrics = new PrometheusText().openMetrics(resourceMetrics);
    expect(openMetrics.endsWith('\n# EOF\n')).toBe(true);
    expect(openMetrics.split('\n').filter((l) => l.startsWith('#') && !/^# (TYPE|UNIT|HELP|EOF)/.test(l))).toEqual([]);
    expect((await ingest(openMetrics, 'openmetrics')).samples.map((s) => s.series)).toEqual([expect.stringContaining('__name__="target_info"')]);
  });
});
