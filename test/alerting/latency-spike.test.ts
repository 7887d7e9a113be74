import { afterEach, describe, expect, it } from 'vitest';
import { latencySpike, type Notification } from 'trading-telemetry/alerting';
import { AlertEngine } from '../../src/alerting/alert-engine.js';
import { NotificationDispatcher } from '../../src/alerting/notification-dispatcher.js';
import { metricsHarness, type MetricsHarness } from '../support/metric-collector.js';

describe('latency_spike on real order telemetry, one evaluation a second', () => {
  let h: MetricsHarness;
  afterEach(async () => h.shutdown());

  /** An engine with `rule` alone; `second(acks)` records those acknowledgement latencies, advances 1 s, evaluates, and says the alert's state. */
  function engine(rule: ReturnType<typeof latencySpike>) {
    let now = 1_000_000;
    h = metricsHarness({ clock: () => now });
    const sent: Notification[] = [];
    const dispatcher = new NotificationDispatcher({ notifiers: [{ name: 'chat', send: (n) => Promise.resolve(void sent.push(n)) }], routes: { warning: ['chat'] }, groupWaitMillis: 0 });
    const e = new AlertEngine({ rules: [rule], source: { snapshot: () => h.telemetry.snapshot(), latency: () => h.telemetry.orders.ackLatencyHistogram() }, dispatcher, now: () => now });
    const orders = h.telemetry.orders.for({ exchange: 'binance', symbol: 'BTC/USDT', side: 'buy' });
    e.evaluate(); // baseline
    const second = async (acknowledgements: readonly number[]): Promise<string | undefined> => {
      now += 1000;
      for (const seconds of acknowledgements) orders.stageDuration('acknowledged', seconds);
      e.evaluate();
      await dispatcher.idle();
      return e.alerts()[0]?.state;
    };
    return { second, sent };
  }

  it('keeps firing through seconds with no acknowledgement, and resolves 5 s after the last slow one', async () => {
    const { second, sent } = engine(latencySpike());
    expect(await second([0.02, 0.03])).toBe('inactive');
    expect(await second([2.5])).toBe('firing');
    // The throttle thins the orders out: a second without an answer does not resolve it.
    expect(await second([])).toBe('firing');
    expect(await second([2.4])).toBe('firing');
    for (let i = 0; i < 4; i++) expect(await second([])).toBe('firing');
    expect(await second([])).toBe('inactive');
    expect(sent.map((n) => n.kind)).toEqual(['firing', 'resolved']);
  });

  it('with keepFiringForSeconds: 0, resolves on the first second without an answer', async () => {
    const { second, sent } = engine(latencySpike({ keepFiringForSeconds: 0 }));
    expect(await second([2.5])).toBe('firing');
    expect(await second([])).toBe('inactive');
    expect(await second([2.5])).toBe('firing');
    expect(sent.map((n) => n.kind)).toEqual(['firing', 'resolved', 'firing']);
  });
});
