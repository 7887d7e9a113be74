import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultyCollector } from '../../src/chaos/faulty-collector.js';

async function post(url: string): Promise<number | 'refused' | 'timeout'> {
  try {
    const response = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceSpans":[]}',
      signal: AbortSignal.timeout(300),
    });
    return response.status;
  } catch (error) {
    return error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'refused';
  }
}

describe('FaultyCollector', () => {
  let collector: FaultyCollector | undefined;
  afterEach(async () => collector?.close());

  it('switches between ok, down, hang, 503 and 429 on the same port', async () => {
    collector = await FaultyCollector.start();
    const url = collector.url;
    expect(await post(url)).toBe(200);
    await collector.setMode('down');
    expect(await post(url)).toBe('refused');
    await collector.setMode('hang');
    expect(await post(url)).toBe('timeout');
    await collector.setMode('unavailable');
    expect(await post(url)).toBe(503);
    await collector.setMode('throttled');
    expect(await post(url)).toBe(429);
    await collector.setMode('ok');
    expect(await post(url)).toBe(200);
    expect(collector.url).toBe(url);
    expect(collector.counts().refusedRequests).toBe(2);
  });

  it('counts the spans a real OTLP/HTTP exporter delivers', async () => {
    collector = await FaultyCollector.start();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${collector.url}/v1/traces` }))],
    });
    for (let i = 0; i < 3; i++) provider.getTracer('t').startSpan(`s${i}`).end();
    await provider.forceFlush();
    await provider.shutdown();
    expect(collector.counts().spansAccepted).toBe(3);
  });

  it('counts distinct spans refused while failing, and forgets those a retry later delivered', async () => {
    collector = await FaultyCollector.start({ mode: 'unavailable' });
    const exporter = new OTLPTraceExporter({ url: `${collector.url}/v1/traces`, timeoutMillis: 500 });
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('t');
    for (let i = 0; i < 4; i++) tracer.startSpan(`refused${i}`).end();
    await provider.forceFlush().catch(() => undefined); // the export fails: that is the point
    expect(collector.counts()).toMatchObject({ spansAccepted: 0, spansRefused: 4 }); // retried, but each span counted once
    await collector.setMode('ok');
    tracer.startSpan('accepted').end();
    await provider.forceFlush();
    await provider.shutdown();
    expect(collector.counts()).toMatchObject({ spansAccepted: 1, spansRefused: 4 });
  });
});
