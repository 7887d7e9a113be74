import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry, type TelemetryHandle } from 'trading-telemetry';
import { type Notification, type Notifier, startAlerting, tradingPresets } from 'trading-telemetry/alerting';

const JSON_TYPE = { 'content-type': 'application/json' };

describe('trading presets and the alerting API, through startTelemetry', () => {
  let handle: TelemetryHandle | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await handle?.shutdown();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('fires the seed rules on real telemetry, drives the governor, and serves alerts, acks, silences and incidents', async () => {
    dir = await mkdtemp(join(tmpdir(), 'alerting-'));
    const sent: Notification[] = [];
    const inbox: Notifier = { name: 'inbox', send: (n) => Promise.resolve(void sent.push(n)) };
    let losses = 0;
    handle = await startTelemetry({ serviceName: 'alerts', server: { port: 0 }, env: {} });
    const alerting = await startAlerting(handle, {
      rules: tradingPresets({ dailyLossLimit: 1000, consecutiveLosses: { read: () => losses, threshold: 3 }, maxAbsPosition: 5, disconnectedForSeconds: 0, maxRejectionRate: 0.5 }),
      notifiers: [inbox],
      incidents: { path: join(dir, 'incidents.jsonl') },
      evaluateEveryMillis: 60_000, // evaluated by hand below
    });
    const t = handle.telemetry;
    const orders = t.orders.for({ exchange: 'sim', symbol: 'BTC-USD', side: 'buy' });

    alerting.engine.evaluate(); // baseline pass: nothing fires
    expect(alerting.engine.alerts().every((a) => a.state === 'inactive')).toBe(true);

    t.portfolio.setPnl({ realized: -1500 });
    t.portfolio.setPosition('sim', 'BTC-USD', 7);
    t.marketData.setConnected('sim', false);
    losses = 3;
    orders.placed(10);
    orders.rejected('rate_limited', 6);
    alerting.engine.evaluate();
    await alerting.dispatcher.idle();
    const firing = alerting.engine.alerts().filter((a) => a.state === 'firing').map((a) => a.rule).sort();
    expect(firing).toEqual(['consecutive_losses', 'daily_loss_limit', 'exchange_disconnected', 'fills_stopped', 'position_too_large', 'rejection_rate_spike']);
    expect(alerting.governor.state).toBe('halted');
    expect(alerting.governor.allow().allowed).toBe(false);

    const api = await (await fetch(`${handle.url}/api/alerts`)).json() as { alerts: { rule: string; inhibited: boolean }[]; governor: { state: string } };
    expect(api.governor.state).toBe('halted');
    expect(api.alerts.find((a) => a.rule === 'consecutive_losses')?.inhibited).toBe(true); // the critical loss limit inhibits the pnl warning

    expect((await fetch(`${handle.url}/api/alerts/daily_loss_limit/ack`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ by: 'alice' }) })).status).toBe(200);
    expect((await fetch(`${handle.url}/api/alerts/nope/ack`, { method: 'POST', headers: JSON_TYPE })).status).toBe(404);
    const silence = await fetch(`${handle.url}/api/silences`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ matchers: { rule: 'position_too_large' }, durationMinutes: 30, comment: 'rebalancing', createdBy: 'bob' }) });
    expect(silence.status).toBe(201);
    expect((await fetch(`${handle.url}/api/silences`, { method: 'POST', headers: JSON_TYPE, body: '[]' })).status).toBe(400);
    const override = await fetch(`${handle.url}/api/governor`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ state: 'throttled', reason: 'desk decision', minutes: 5 }) });
    expect(await override.json()).toEqual({ state: 'throttled', reason: 'manual: desk decision', persisted: true });

    const incidents = await (await fetch(`${handle.url}/api/incidents?limit=50`)).json() as { incidents: { kind: string; rule: string; by?: string }[] };
    const kinds = incidents.incidents.map((i) => `${i.kind}:${i.rule}`);
    expect(kinds).toEqual(expect.arrayContaining(['firing:daily_loss_limit', 'acknowledged:daily_loss_limit', 'silenced:position_too_large', 'governor:activity_governor']));
    expect(incidents.incidents.find((i) => i.kind === 'acknowledged')?.by).toBe('alice');
    const metrics = await (await fetch(`${handle.url}/metrics`)).text();
    expect(metrics).toMatch(/trading_alerts_firing\{rule="daily_loss_limit",severity="critical"[^}]*\} 1/);
    expect(metrics).toMatch(/trading_governor_state\{state="throttled"[^}]*\} 1/);
    expect(metrics).toMatch(/trading_alerts_notifications_total\{channel="inbox",outcome="delivered"/);
    expect(sent.some((n) => n.alerts.some((a) => a.rule === 'daily_loss_limit'))).toBe(true);
  });
});
