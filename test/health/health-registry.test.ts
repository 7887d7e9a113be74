import { describe, expect, it } from 'vitest';
import { TelemetryConfigError } from 'trading-telemetry';
import { HealthRegistry } from '../../src/health/health-registry.js';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { OnDemandReader } from '../support/metric-collector.js';

describe('HealthRegistry', () => {
  it('refuses a duplicate name with a typed error naming the check', () => {
    const registry = new HealthRegistry().register('exchange:binance', () => 'healthy');
    expect(() => registry.register('exchange:binance', () => 'healthy')).toThrow(TelemetryConfigError);
    expect(() => registry.register('exchange:binance', () => 'healthy')).toThrow(/health check "exchange:binance"/);
  });

  it('turns throws, rejections, hangs and nonsense into unhealthy with the reason, and keeps answering', async () => {
    const registry = new HealthRegistry()
      .register('throws', () => {
        throw new Error('db down');
      })
      .register('rejects', () => Promise.reject(new Error('feed refused')))
      .register('hangs', () => new Promise(() => undefined), { timeoutMillis: 50 })
      .register('nonsense', () => 'fine' as never)
      .register('ok', () => ({ status: 'degraded', reason: 'slow' }));
    const report = await registry.run();
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, [c.status, c.reason]]));
    expect(byName).toEqual({
      throws: ['unhealthy', 'db down'],
      rejects: ['unhealthy', 'feed refused'],
      hangs: ['unhealthy', 'timed out after 50 ms'],
      nonsense: ['unhealthy', 'check returned "fine", not a health status'],
      ok: ['degraded', 'slow'],
    });
    expect(report.status).toBe('unhealthy');
  });

  it('caches results for their TTL and joins a check already running instead of starting another', async () => {
    let now = 0;
    let calls = 0;
    let release: (() => void) | undefined;
    const registry = new HealthRegistry({ now: () => now }).register(
      'slow',
      () =>
        new Promise<'healthy'>((resolve) => {
          calls++;
          release = () => resolve('healthy');
        }),
      { cacheTtlMillis: 1000 },
    );
    const first = registry.run();
    const second = registry.run();
    release?.();
    await Promise.all([first, second]);
    expect(calls).toBe(1);
    now = 500;
    await registry.run();
    expect(calls).toBe(1);
    now = 1500;
    const third = registry.run();
    release?.();
    await third;
    expect(calls).toBe(2);
  });

  it('selects checks by probe and combines the worst status', async () => {
    const registry = new HealthRegistry()
      .register('loop', () => 'healthy', { probes: ['liveness', 'readiness'] })
      .register('exchange', () => 'unhealthy', { probes: ['readiness'] })
      .register('export', () => 'degraded', { probes: [] });
    expect((await registry.run('liveness')).status).toBe('healthy');
    expect((await registry.run('readiness')).status).toBe('unhealthy');
    expect((await registry.run()).checks).toHaveLength(3);
  });

  it('exports each check status as a gauge: 1 healthy, 0.5 degraded, 0 unhealthy', async () => {
    const reader = new OnDemandReader();
    const registry = new HealthRegistry({ meter: new MeterProvider({ readers: [reader] }).getMeter('t') })
      .register('a', () => 'healthy')
      .register('b', () => 'degraded')
      .register('c', () => 'unhealthy');
    await registry.run();
    const { resourceMetrics } = await reader.collect();
    const points = resourceMetrics.scopeMetrics[0]?.metrics[0]?.dataPoints.map((p) => [p.attributes.check, p.value]);
    expect(points).toEqual([
      ['a', 1],
      ['b', 0.5],
      ['c', 0],
    ]);
  });
});
