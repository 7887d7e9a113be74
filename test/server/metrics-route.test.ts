import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { negotiateFormat } from '../../src/server/exposition-format.js';
import { mountMetricsRoutes } from '../../src/server/routes/metrics-routes.js';
import { TelemetryServer } from '../../src/server/telemetry-server.js';

/** Accept headers real scrapers send (Prometheus builds its own from scrape_protocols). */
const PROMETHEUS_3_DEFAULT =
  'application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.7,application/openmetrics-text;version=0.0.1;q=0.6,text/plain;version=1.0.0;escaping=underscores;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.3';
const PROMETHEUS_3_NATIVE_HISTOGRAMS = `application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.8,${PROMETHEUS_3_DEFAULT}`;
const PROMETHEUS_3_TEXT_ONLY = 'text/plain;version=0.0.4;q=0.7,*/*;q=0.6';

describe('content negotiation of /metrics', () => {
  it.each([
    [PROMETHEUS_3_DEFAULT, 'openmetrics'],
    [PROMETHEUS_3_NATIVE_HISTOGRAMS, 'openmetrics'],
    ['application/openmetrics-text; version=0.0.1,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'openmetrics'],
    ['Application/OpenMetrics-Text', 'openmetrics'],
    [PROMETHEUS_3_TEXT_ONLY, 'prometheus'],
    [undefined, 'prometheus'],
    ['', 'prometheus'],
    ['*/*', 'prometheus'],
    ['text/plain', 'prometheus'],
    ['application/openmetrics-text;q=0.5,text/plain;q=0.5', 'prometheus'],
    ['application/openmetrics-text;version=2.0.0', 'prometheus'],
    ['application/openmetrics-text;q=0', 'prometheus'],
    ['application/openmetrics-text;q=abc,text/plain;q=0.1', 'prometheus'],
    ['application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited', 'prometheus'],
  ] as const)('Accept %j gets %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });
});

describe('GET /metrics', () => {
  let server: TelemetryServer | undefined;
  afterEach(async () => server?.close());

  /** The route over a reader whose collections are counted. */
  async function start(cacheMillis: number): Promise<{ url: string; collections: () => number }> {
    const reader = new PrometheusExporter({ preventServerStart: true });
    new MeterProvider({ readers: [reader] }).getMeter('m').createCounter('scraped').add(1);
    let collections = 0;
    const collect = reader.collect.bind(reader);
    reader.collect = (options) => {
      collections++;
      return collect(options);
    };
    server = new TelemetryServer({ host: '127.0.0.1', port: 0 });
    mountMetricsRoutes(server, reader, cacheMillis);
    await server.listen();
    return { url: `${server.url()}/metrics`, collections: () => collections };
  }

  it('serves each scraper its format from one cache window: one render per format, never one format’s bytes to the other', async () => {
    const { url, collections } = await start(60_000);
    const get = async (accept?: string): Promise<{ type: string | null; vary: string | null; body: string }> => {
      const response = await fetch(url, { headers: accept === undefined ? {} : { accept } });
      return { type: response.headers.get('content-type'), vary: response.headers.get('vary'), body: await response.text() };
    };
    const [text, openMetrics, text2, openMetrics2] = await Promise.all([get(), get(PROMETHEUS_3_DEFAULT), get('*/*'), get(PROMETHEUS_3_DEFAULT)]);
    expect(text.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(openMetrics.type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect([text.vary, openMetrics.vary]).toEqual(['Accept', 'Accept']);
    expect(text.body).toContain('# TYPE scraped_total counter\n');
    expect(openMetrics.body).toContain('# TYPE scraped counter\n');
    expect(openMetrics.body.endsWith('# EOF\n')).toBe(true);
    expect(text2.body).toBe(text.body);
    expect(openMetrics2.body).toBe(openMetrics.body);
    expect(collections()).toBe(2);
  });

  it('without a cache window, every scrape renders its own', async () => {
    const { url, collections } = await start(0);
    for (const accept of [PROMETHEUS_3_DEFAULT, PROMETHEUS_3_DEFAULT, 'text/plain']) await (await fetch(url, { headers: { accept } })).text();
    expect(collections()).toBe(3);
  });
});
