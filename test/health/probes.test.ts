import { afterEach, describe, expect, it } from 'vitest';
import { type TelemetryHandle, startTelemetry } from 'trading-telemetry';

async function get(url: string): Promise<{ status: number; body: { ok: boolean; state: string; status: string; checks: { name: string; status: string; reason: string | null }[] } }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as never };
}

// The 5-s drain after readiness turns 503 at shutdown is graceful-shutdown.test.ts's subject; here it would only add 5 s to every test.
const lifecycle = { drainDelayMillis: 0 };

describe('Kubernetes probes on the embedded server', () => {
  let handle: TelemetryHandle | undefined;
  afterEach(async () => {
    await handle?.shutdown();
    handle = undefined;
  });

  it('ready as soon as started by default: the quick start serves a ready process', async () => {
    handle = await startTelemetry({ serviceName: 'p', server: { port: 0 }, health: { builtInChecks: false }, lifecycle, env: {} });
    expect(handle.lifecycle.state).toBe('ready');
    expect((await get(`${handle.url}/health/ready`)).status).toBe(200);
    expect((await get(`${handle.url}/health/startup`)).status).toBe(200);
  });

  it('with readiness: manual, live from the start; ready and started only after markReady()', async () => {
    handle = await startTelemetry({ serviceName: 'p', server: { port: 0 }, health: { builtInChecks: false }, lifecycle: { ...lifecycle, readiness: 'manual' }, env: {} });
    expect((await get(`${handle.url}/health/live`)).status).toBe(200);
    expect((await get(`${handle.url}/health/ready`)).status).toBe(503);
    expect((await get(`${handle.url}/health/startup`)).status).toBe(503);
    handle.lifecycle.markReady();
    expect((await get(`${handle.url}/health/ready`)).status).toBe(200);
    expect((await get(`${handle.url}/health/startup`)).status).toBe(200);
  });

  it('a degraded readiness check is ready by default, and not ready when configured so', async () => {
    for (const degradedIsReady of [true, false]) {
      const started = await startTelemetry({ serviceName: 'p', server: { port: 0 }, health: { builtInChecks: false, degradedIsReady }, lifecycle, env: {} });
      started.health.register('exchange:binance', () => ({ status: 'degraded', reason: 'slow data' }));
      const ready = await get(`${started.url}/health/ready`);
      expect(ready.status).toBe(degradedIsReady ? 200 : 503);
      expect(ready.body.checks).toEqual([expect.objectContaining({ name: 'exchange:binance', status: 'degraded', reason: 'slow data' })]);
      await started.shutdown();
    }
  });

  it('a check that throws or hangs makes /health unhealthy with its reason; the server keeps answering', async () => {
    handle = await startTelemetry({ serviceName: 'p', server: { port: 0 }, health: { builtInChecks: false }, lifecycle, env: {} });
    handle.health.register('throws', () => {
      throw new Error('venue API 500');
    });
    handle.health.register('hangs', () => new Promise(() => undefined), { timeoutMillis: 100 });
    const report = await get(`${handle.url}/health`);
    expect(report.status).toBe(503);
    expect(report.body.status).toBe('unhealthy');
    expect(report.body.checks.map((c) => [c.name, c.reason])).toEqual([
      ['throws', 'venue API 500'],
      ['hangs', 'timed out after 100 ms'],
    ]);
    expect((await get(`${handle.url}/health/live`)).status).toBe(200); // readiness checks do not kill the pod
    expect((await fetch(`${handle.url}/metrics`)).status).toBe(200);
  });

  it('registers the built-in checks, with telemetry export visible in /health but never deciding readiness', async () => {
    handle = await startTelemetry({ serviceName: 'p', server: { port: 0 }, otlp: { endpoint: 'http://127.0.0.1:1', timeoutMillis: 100 }, lifecycle, env: {} });
    const full = await get(`${handle.url}/health`);
    expect(full.body.checks.map((c) => c.name).sort()).toEqual(['event_loop', 'memory', 'telemetry_export']);
    const ready = await get(`${handle.url}/health/ready`);
    expect(ready.body.checks.map((c) => c.name).sort()).toEqual(['event_loop', 'memory']);
    const metrics = await (await fetch(`${handle.url}/metrics`)).text();
    expect(metrics).toMatch(/trading_health_check_status\{check="memory"[^}]*\} 1/);
    expect(metrics).toMatch(/trading_process_state\{state="ready"[^}]*\} 1/);
  });
});
