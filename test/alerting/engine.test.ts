import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertRule, Notification, Notifier } from 'trading-telemetry/alerting';
import { AlertEngine } from '../../src/alerting/alert-engine.js';
import { NotificationDispatcher } from '../../src/alerting/notification-dispatcher.js';
import { metricsHarness, type MetricsHarness } from '../support/metric-collector.js';

/** Records what it is asked to send: the engine's tests look at routing and timing, not HTTP. */
function recorder(name: string): Notifier & { readonly sent: Notification[] } {
  const sent: Notification[] = [];
  return { name, sent, send: (n) => Promise.resolve(void sent.push(n)) };
}

describe('AlertEngine on a controlled clock', () => {
  let now = 1_000_000;
  let h: MetricsHarness;
  let value = 0;
  afterEach(async () => {
    vi.useRealTimers();
    await h.shutdown();
  });

  function engine(rules: AlertRule[], extra: { groupWaitMillis?: number; escalation?: { afterMillis: number; channels: string[] } } = {}) {
    h = metricsHarness({ clock: () => now });
    const pager = recorder('pager');
    const chat = recorder('chat');
    const dispatcher = new NotificationDispatcher({ notifiers: [pager, chat], routes: { critical: ['pager'], warning: ['chat'], info: ['chat'] }, groupWaitMillis: extra.groupWaitMillis ?? 0 });
    const e = new AlertEngine({
      rules,
      source: { snapshot: () => h.telemetry.snapshot(), latency: () => h.telemetry.orders.latencyHistogram() },
      dispatcher,
      now: () => now,
      ...(extra.escalation === undefined ? {} : { escalation: extra.escalation }),
    });
    const step = async (millis: number): Promise<void> => {
      now += millis;
      e.evaluate();
      await dispatcher.idle();
    };
    return { e, pager, chat, step, dispatcher };
  }

  const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
    name: 'value_high',
    severity: 'warning',
    condition: () => (value > 10 ? { message: `value ${value}`, value, correlationId: 'cl-9' } : undefined),
    ...over,
  });

  it('goes pending, fires after `for`, repeats, and notifies the resolution', async () => {
    const { e, chat, step } = engine([rule({ forMillis: 5000, repeatIntervalMillis: 60_000 })]);
    value = 11;
    await step(1000);
    expect(e.alerts()[0]?.state).toBe('pending');
    await step(3000);
    expect(chat.sent).toHaveLength(0);
    await step(2000);
    expect(e.alerts()[0]?.state).toBe('firing');
    expect(chat.sent.map((n) => n.kind)).toEqual(['firing']);
    expect(chat.sent[0]?.text).toContain('[WARNING] FIRING: value_high');
    expect(chat.sent[0]?.text).toContain('correlation cl-9');
    await step(30_000);
    expect(chat.sent).toHaveLength(1);
    await step(30_000);
    expect(chat.sent.map((n) => n.kind)).toEqual(['firing', 'repeat']);
    value = 0;
    await step(1000);
    expect(e.alerts()[0]?.state).toBe('inactive');
    expect(chat.sent.map((n) => n.kind)).toEqual(['firing', 'repeat', 'resolved']);
  });

  it('a condition that clears during `for` never fires', async () => {
    const { e, chat, step } = engine([rule({ forMillis: 5000 })]);
    value = 11;
    await step(1000);
    value = 0;
    await step(5000);
    expect(e.alerts()[0]?.state).toBe('inactive');
    expect(chat.sent).toEqual([]);
  });

  it('keeps firing through gaps shorter than `keepFiringForMillis`, then resolves once', async () => {
    const { e, chat, step } = engine([rule({ keepFiringForMillis: 3000 })]);
    value = 11;
    await step(1000);
    // Two evaluations without a match (no sample), then a match again: one alert throughout.
    value = 0;
    await step(1000);
    await step(1000);
    expect(e.alerts()[0]?.state).toBe('firing');
    value = 12;
    await step(1000);
    value = 0;
    await step(2000);
    expect(e.alerts()[0]?.state).toBe('firing');
    expect(chat.sent.map((n) => n.kind)).toEqual(['firing']);
    await step(1000);
    expect(e.alerts()[0]?.state).toBe('inactive');
    expect(chat.sent.map((n) => n.kind)).toEqual(['firing', 'resolved']);
    expect(chat.sent[1]?.text).toContain('value 12');
  });

  it('cannot fire again within its cooldown after resolving', async () => {
    const { chat, step } = engine([rule({ cooldownMillis: 10_000 })]);
    value = 11;
    await step(1000);
    value = 0;
    await step(1000);
    value = 11;
    await step(5000);
    expect(chat.sent.map((n) => n.kind)).toEqual(['firing', 'resolved']);
    await step(6000);
    expect(chat.sent.map((n) => n.kind)).toEqual(['firing', 'resolved', 'firing']);
  });

  it('silences mute matching alerts until they expire', async () => {
    const { e, chat, step } = engine([rule({ repeatIntervalMillis: 1000 })]);
    e.silences.add({ rule: 'value_high' }, now + 10_000, 'maintenance');
    value = 11;
    await step(1000);
    expect(e.alerts()[0]).toMatchObject({ state: 'firing', silenced: true });
    await step(5000);
    expect(chat.sent).toEqual([]);
    await step(6000); // past the expiry: the next repeat goes out
    expect(chat.sent.map((n) => n.kind)).toEqual(['repeat']);
    expect(e.silences.add({}, now + 1, 'nothing')).toBeUndefined();
  });

  it('a firing critical alert inhibits warnings of its group', async () => {
    const { e, pager, chat, step } = engine([
      rule({ name: 'loss_critical', severity: 'critical', labels: { group: 'pnl' } }),
      rule({ name: 'loss_warning', severity: 'warning', labels: { group: 'pnl' } }),
      rule({ name: 'other_warning', severity: 'warning', labels: { group: 'exchange' } }),
    ]);
    value = 11;
    await step(1000);
    expect(pager.sent.map((n) => n.alerts[0]?.rule)).toEqual(['loss_critical']);
    expect(chat.sent.map((n) => n.alerts[0]?.rule)).toEqual(['other_warning']);
    expect(e.alerts().find((a) => a.rule === 'loss_warning')).toMatchObject({ state: 'firing', inhibited: true });
  });

  it('groups alerts of one group that fire within the window into one notification', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { chat, step, dispatcher } = engine(
      [rule({ name: 'a', labels: { group: 'execution' } }), rule({ name: 'b', labels: { group: 'execution' } }), rule({ name: 'c', labels: { group: 'pnl' } })],
      { groupWaitMillis: 2000 },
    );
    value = 11;
    now += 1000;
    void step(0);
    expect(chat.sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(2000);
    await dispatcher.idle();
    const execution = chat.sent.find((n) => n.group === 'execution');
    expect(execution?.alerts.map((a) => a.rule)).toEqual(['a', 'b']);
    expect(execution?.text).toContain('2 alerts in execution');
    expect(chat.sent).toHaveLength(2);
  });

  it('escalates an unacknowledged critical alert to the next channel, once; an acknowledged one does not', async () => {
    const { e, pager, chat, step } = engine(
      [rule({ name: 'down', severity: 'critical' }), rule({ name: 'down_acked', severity: 'critical' })],
      { escalation: { afterMillis: 300_000, channels: ['chat'] } },
    );
    value = 11;
    await step(1000);
    expect(e.acknowledge('down_acked', 'alice')).toBe(true);
    expect(e.acknowledge('down_acked', 'bob')).toBe(false);
    await step(299_000);
    expect(chat.sent).toEqual([]);
    await step(2000);
    await step(2000);
    expect(chat.sent.map((n) => [n.kind, n.alerts[0]?.rule])).toEqual([['escalation', 'down']]);
    expect(pager.sent).toHaveLength(2);
    expect(e.alerts().find((a) => a.rule === 'down_acked')?.acknowledgedBy).toBe('alice');
  });

  it('marks a rule whose condition throws as errored, visibly, while the others keep evaluating', async () => {
    const { e, chat, step } = engine([
      rule({ name: 'broken', condition: () => { throw new Error('no such field'); } }),
      rule(),
    ]);
    value = 11;
    await step(1000);
    const alerts = e.alerts();
    expect(alerts.find((a) => a.rule === 'broken')).toMatchObject({ state: 'errored', error: 'no such field', message: 'no such field' });
    expect(alerts.find((a) => a.rule === 'value_high')?.state).toBe('firing');
    expect(chat.sent.map((n) => n.alerts[0]?.rule)).toEqual(['value_high']);
  });

  it('exports firing state and rule errors as metrics', async () => {
    h = metricsHarness();
    const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
    const { OnDemandReader } = await import('../support/metric-collector.js');
    const reader = new OnDemandReader();
    const meter = new MeterProvider({ readers: [reader] }).getMeter('t');
    const e = new AlertEngine({
      rules: [rule(), rule({ name: 'broken', condition: () => { throw new Error('x'); } })],
      source: { snapshot: () => h.telemetry.snapshot(), latency: () => h.telemetry.orders.latencyHistogram() },
      dispatcher: new NotificationDispatcher({ notifiers: [] }),
      meter,
    });
    value = 11;
    e.evaluate();
    e.evaluate();
    const { resourceMetrics } = await reader.collect();
    const byName = Object.fromEntries(resourceMetrics.scopeMetrics[0]?.metrics.map((m) => [m.descriptor.name, m.dataPoints.map((p) => [p.attributes.rule, p.value])]) ?? []);
    expect(byName['trading.alerts.firing']).toEqual([['value_high', 1], ['broken', 0]]);
    expect(byName['trading.alerts.rule_errors']).toEqual([['broken', 2]]);
  });
});
