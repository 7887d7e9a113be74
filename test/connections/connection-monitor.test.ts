import { afterEach, describe, expect, it } from 'vitest';
import { TelemetryConfigError } from 'trading-telemetry';
import { ConnectionMonitor, type FeedState } from 'trading-telemetry/connections';
import { backoffDelay } from '../../src/connections/backoff.js';
import { HealthRegistry } from '../../src/health/health-registry.js';
import { FlakyFeedServer } from '../support/flaky-feed-server.js';
import { metricsHarness, type MetricsHarness } from '../support/metric-collector.js';

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMillis = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ConnectionMonitor against a real ws server on 127.0.0.1', () => {
  let server: FlakyFeedServer | undefined;
  let monitor: ConnectionMonitor | undefined;
  let h: MetricsHarness | undefined;
  afterEach(async () => {
    await monitor?.close();
    await server?.down();
    await h?.shutdown();
  });

  function watch(options: { autoPong?: boolean } = {}) {
    return async () => {
      server = await FlakyFeedServer.start(options);
      h = metricsHarness();
      const health = new HealthRegistry();
      const states: FeedState[] = [];
      const prolonged: number[] = [];
      monitor = new ConnectionMonitor({ marketData: h.telemetry.marketData, health, staleness: { degradedAfterSeconds: 0.2, unhealthyAfterSeconds: 0.6 } });
      monitor.on('state', (_exchange, state) => states.push(state));
      monitor.on('prolonged-disconnect', (_exchange, downFor) => prolonged.push(downFor));
      monitor.add({
        exchange: 'sim',
        url: server.url,
        staleAfterMillis: 150,
        pingIntervalMillis: 100,
        prolongedDisconnectMillis: 300,
        backoff: { initialDelayMillis: 20, maxDelayMillis: 100, jitter: 0 },
      });
      const check = async () => (await health.run()).checks[0]?.status;
      return { health, states, prolonged, check, monitor, server };
    };
  }

  it('counts messages and receive latency, and moves through open → stale → open as the feed falls silent and resumes', async () => {
    const { states, check } = await watch()();
    await until(() => (monitor?.status('sim')?.messages ?? 0) >= 5, 'messages');
    expect(monitor?.status('sim')?.state).toBe('open');
    expect(await check()).toBe('healthy');
    expect(await h?.value('trading.exchange.connected', { 'trading.exchange': 'sim' })).toBe(1);
    const latency = (await h?.value('trading.market_data.latency', { 'trading.exchange': 'sim' })) as { count: number; min: number } | undefined;
    expect(latency?.count).toBeGreaterThanOrEqual(5);
    expect(latency?.min).toBeGreaterThanOrEqual(0.003);
    expect(monitor?.status('sim')?.messageRate).toBeGreaterThan(0);

    if (server) server.streaming = false;
    await until(() => monitor?.status('sim')?.state === 'stale', 'stale');
    await until(async () => (await check()) === 'degraded', 'degraded health');
    await until(async () => (await check()) === 'unhealthy', 'unhealthy health');
    if (server) server.streaming = true;
    await until(() => monitor?.status('sim')?.state === 'open', 'open again');
    await until(async () => (await check()) === 'healthy', 'healthy again');
    expect(states).toEqual(['open', 'stale', 'open']);
  });

  it('reconnects with backoff after drops and an outage, fires prolonged-disconnect once, and recovers', async () => {
    const { prolonged, check } = await watch()();
    await until(() => monitor?.status('sim')?.state === 'open', 'open');
    server?.drop();
    await until(() => monitor?.status('sim')?.reconnects === 1 && monitor.status('sim')?.state === 'open', 'first reconnect');
    await server?.down();
    await until(() => (monitor?.status('sim')?.failedAttempts ?? 0) >= 3, 'failed attempts while down');
    expect(monitor?.status('sim')?.state).toBe('connecting');
    expect(await h?.value('trading.exchange.connected', { 'trading.exchange': 'sim' })).toBe(0);
    expect(await check()).toBe('unhealthy');
    await until(() => prolonged.length === 1, 'prolonged-disconnect');
    expect(prolonged[0]).toBeGreaterThanOrEqual(300);
    await server?.up();
    await until(() => monitor?.status('sim')?.state === 'open', 'back up');
    await until(async () => (await check()) === 'healthy', 'healthy');
    expect(monitor?.status('sim')).toMatchObject({ reconnects: 2, failedAttempts: 0, downSince: null });
    expect(await h?.value('trading.exchange.reconnects', { 'trading.exchange': 'sim' })).toBe(2);
    expect(prolonged).toHaveLength(1);
  });

  it('ends a connection whose peer stops answering pings, and reconnects', async () => {
    await watch({ autoPong: false })();
    await until(() => (monitor?.status('sim')?.reconnects ?? 0) >= 1, 'reconnect after a missed pong');
  });

  it('rejects a duplicate exchange and a non-WebSocket URL with typed errors', async () => {
    const { monitor: m } = await watch()();
    expect(() => m.add({ exchange: 'sim', url: 'ws://127.0.0.1:1' })).toThrow(TelemetryConfigError);
    expect(() => m.add({ exchange: 'other', url: 'http://127.0.0.1:1' })).toThrow(/must be a ws:\/\/ or wss:\/\/ URL/);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially to the cap, with symmetric jitter', () => {
    const options = { initialDelayMillis: 100, maxDelayMillis: 1000, factor: 2, jitter: 0.5 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, options, () => 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelay(1, options, () => 0)).toBe(100);
    expect(backoffDelay(1, options, () => 1)).toBe(300);
  });
});
