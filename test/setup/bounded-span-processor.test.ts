import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { BoundedSpanProcessor } from '../../src/setup/bounded-span-processor.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { freePort } from '../support/processes.js';

function pipeline(url: string, maxQueueSize: number) {
  const processor = new BoundedSpanProcessor(new OTLPTraceExporter({ url: `${url}/v1/traces`, timeoutMillis: 400 }), {
    maxQueueSize,
    maxBatchSize: 20,
    scheduledDelayMillis: 20,
    exportTimeoutMillis: 1_000,
  });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('test');
  const emit = (count: number): void => {
    for (let i = 0; i < count; i++) tracer.startSpan(`order-${i}`).end();
  };
  return { processor, provider, emit };
}

async function until(condition: () => boolean, what: string, timeoutMillis = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('BoundedSpanProcessor', () => {
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('accounts for every span through a closed port, a 503, a hang, and recovery', async () => {
    const port = await freePort();
    const { processor, provider, emit } = pipeline(`http://127.0.0.1:${port}`, 50);
    const stats = processor.stats;
    const settledTotal = (): number =>
      stats.exported + stats.dropped.queue_full + stats.dropped.export_failed + stats.dropped.export_timeout + processor.stats.health().queued;

    // 1. Nothing listens: exports fail, the queue fills, the rest is dropped and counted.
    emit(300);
    await until(() => stats.dropped.export_failed > 0, 'a failed export');
    expect(stats.dropped.queue_full).toBeGreaterThan(0);
    expect(stats.health().queued).toBeLessThanOrEqual(50);
    expect(settledTotal()).toBe(300);
    expect(stats.offered).toBe(300);
    expect(stats.consecutiveFailures).toBeGreaterThan(0);

    // 2. A collector that answers 503, then one that hangs: still bounded and exact.
    receiver = await OtlpReceiver.start(port);
    receiver.mode = 'unavailable';
    emit(100);
    await until(() => (receiver?.requests ?? 0) > 0 && processor.stats.health().queued === 0, 'the 503s to drain the queue');
    receiver.mode = 'hang';
    emit(40);
    await until(() => stats.dropped.export_failed + stats.dropped.export_timeout >= 300 + 100 + 40 - stats.dropped.queue_full, 'hung exports to time out');
    expect(settledTotal()).toBe(440);
    expect(stats.offered).toBe(440);
    expect(stats.exported).toBe(0);

    // 3. The collector is healthy again: export resumes by itself, and what it received is exactly what we counted.
    receiver.mode = 'ok';
    emit(60);
    await until(() => stats.exported === 60, 'export to resume');
    expect(receiver.spans).toHaveLength(60);
    expect(stats.consecutiveFailures).toBe(0);
    expect(settledTotal()).toBe(500);
    expect(stats.offered).toBe(500);
    await provider.shutdown();
  }, 60_000);

  it('counts spans that end after shutdown as dropped (shutdown)', async () => {
    receiver = await OtlpReceiver.start();
    const { processor, provider, emit } = pipeline(receiver.url, 100);
    emit(5);
    await provider.shutdown();
    expect(receiver.spans).toHaveLength(5);
    const late = new BasicTracerProvider().getTracer('late').startSpan('late');
    processor.onEnd(late as unknown as Parameters<BoundedSpanProcessor['onEnd']>[0]);
    expect(processor.stats.exported).toBe(5);
    expect(processor.stats.dropped.shutdown).toBe(1);
  });
});
