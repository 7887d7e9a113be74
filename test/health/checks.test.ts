import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exchangeCheck } from 'trading-telemetry/connections';
import { eventLoopCheck } from '../../src/health/checks/event-loop-check.js';
import { exportCheck } from '../../src/health/checks/export-check.js';
import { memoryCheck, memoryLimitBytes } from '../../src/health/checks/memory-check.js';
import type { ExchangeView } from '../../src/metrics/market-data-metrics.js';
import { stallEventLoop } from '../../src/chaos/process-faults.js';

const view = (over: Partial<ExchangeView>): ExchangeView => ({ exchange: 'binance', connected: true, stalenessSeconds: 1, messages: 5, ...over });

describe('built-in health checks', () => {
  it('exchange: healthy, degraded past 10 s, unhealthy past 30 s or when disconnected', async () => {
    let views: ExchangeView[] = [view({})];
    const check = exchangeCheck('binance', () => views);
    expect(await check()).toBe('healthy');
    views = [view({ stalenessSeconds: 12 })];
    expect(await check()).toEqual({ status: 'degraded', reason: 'binance: slow data, 12.0 s since the last message' });
    views = [view({ stalenessSeconds: 31 })];
    expect(await check()).toEqual({ status: 'unhealthy', reason: 'binance: no data for 31.0 s' });
    views = [view({ connected: false })];
    expect(await check()).toEqual({ status: 'unhealthy', reason: 'binance: disconnected' });
    views = [];
    expect(await check()).toMatchObject({ status: 'unhealthy' });
    const strict = exchangeCheck('binance', () => [view({ stalenessSeconds: 3 })], { degradedAfterSeconds: 2, unhealthyAfterSeconds: 5 });
    expect(await strict()).toMatchObject({ status: 'degraded' });
  });

  it('memory: reads a cgroup v2 limit when there is one, else total memory', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cgroup-'));
    try {
      expect(memoryLimitBytes(root)).toEqual({ bytes: totalmem(), source: 'os.totalmem()' });
      await writeFile(join(root, 'memory.max'), 'max\n');
      expect(memoryLimitBytes(root).source).toBe('os.totalmem()');
      const rss = process.memoryUsage().rss;
      await writeFile(join(root, 'memory.max'), `${Math.round(rss * 1.5)}\n`);
      expect(memoryLimitBytes(root).source).toBe(join(root, 'memory.max'));
      // RSS is about 67% of that limit: healthy with the defaults, degraded with a 50% threshold.
      expect(await memoryCheck({ cgroupRoot: root })()).toMatchObject({ status: 'healthy' });
      expect(await memoryCheck({ cgroupRoot: root, degradedRatio: 0.5 })()).toMatchObject({ status: 'degraded' });
      await writeFile(join(root, 'memory.max'), `${Math.round(rss / 2)}\n`);
      const over = await memoryCheck({ cgroupRoot: root })();
      expect(over).toMatchObject({ status: 'unhealthy' });
      expect(typeof over === 'object' && over.reason).toMatch(/^rss \d+ MiB of \d+ MiB/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('event loop: a stall past the threshold is unhealthy, then it recovers', async () => {
    const check = eventLoopCheck({ degradedP99Millis: 50, unhealthyP99Millis: 150 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 30));
      stallEventLoop(400);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(await check()).toMatchObject({ status: 'unhealthy' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await check()).not.toMatchObject({ status: 'unhealthy' });
    } finally {
      check.stop();
    }
  });

  it('telemetry export: degraded from the first failure, unhealthy from five in a row', async () => {
    const health = { signal: 'traces' as const, queued: 3, offered: 26, exported: 10, dropped: { queue_full: 2, export_failed: 1, export_timeout: 0, shutdown: 0 }, lastSuccessAt: 1, lastFailureAt: 2, lastError: 'ECONNREFUSED' };
    expect(await exportCheck(() => [{ ...health, consecutiveFailures: 0 }])()).toMatchObject({ status: 'healthy' });
    expect(await exportCheck(() => [{ ...health, consecutiveFailures: 1 }])()).toMatchObject({ status: 'degraded' });
    expect(await exportCheck(() => [{ ...health, consecutiveFailures: 5 }])()).toEqual({
      status: 'unhealthy',
      reason: 'traces: 5 failures in a row, 3 dropped, 3 queued (ECONNREFUSED)',
    });
  });

  it('telemetry export: a quiet signal’s old failure does not outlive the collector’s recovery', async () => {
    const base = { offered: 5, exported: 0, dropped: { queue_full: 0, export_failed: 5, export_timeout: 0, shutdown: 0 }, lastError: 'ECONNREFUSED' };
    const logs = { ...base, signal: 'logs' as const, queued: 0, consecutiveFailures: 3, lastSuccessAt: null, lastFailureAt: 100 };
    const traces = { ...base, signal: 'traces' as const, queued: 0, consecutiveFailures: 0, lastSuccessAt: 200, lastFailureAt: 90 };
    expect(await exportCheck(() => [traces, logs])()).toMatchObject({ status: 'healthy' });
    // Still failing after the other signal's success, or with records waiting: it counts.
    expect(await exportCheck(() => [traces, { ...logs, lastFailureAt: 300 }])()).toMatchObject({ status: 'degraded' });
    expect(await exportCheck(() => [traces, { ...logs, queued: 4 }])()).toMatchObject({ status: 'degraded' });
  });
});
