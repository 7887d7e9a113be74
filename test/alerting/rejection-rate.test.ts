import { describe, expect, it } from 'vitest';
import type { TelemetrySnapshot } from 'trading-telemetry';
import { rejectionRateSpike, type RuleContext } from 'trading-telemetry/alerting';

function context(now: number, placed: number, rejected: number): RuleContext {
  return { now, snapshot: {} as TelemetrySnapshot, risk: { tradingDay: '1970-01-01', dayStartPnl: 0, dailyPnl: 0, highWaterMark: 0, drawdown: 0 }, exchanges: [], interval: { seconds: 1, placed, filled: placed - rejected, rejected, messages: 10, latencyP95: Number.NaN } };
}

describe('rejection_rate_spike', () => {
  it('judges the orders of the whole window, so a bot placing 2 orders a second is still watched', () => {
    const rule = rejectionRateSpike({ maxRate: 0.3, windowSeconds: 5, minOrders: 5 });
    let now = 0;
    const step = (placed: number, rejected: number) => rule.condition(context((now += 1000), placed, rejected));
    for (let i = 0; i < 10; i++) expect(step(2, 0)).toBeUndefined(); // normal trading, 2 orders a second
    expect(step(2, 2)).toBeUndefined(); // 2 of 10 in the window: 20%
    expect(step(2, 2)).toMatchObject({ message: '40% of the orders of the last 5 s rejected (limit 30%)', value: 0.4 });
    for (let i = 0; i < 3; i++) step(2, 0);
    expect(step(2, 0)).toBeUndefined(); // the burst has left the window
  });

  it('says nothing with fewer than minOrders in the window', () => {
    const rule = rejectionRateSpike({ windowSeconds: 5, minOrders: 5 });
    for (let t = 1; t <= 10; t++) expect(rule.condition(context(t * 1000, t % 3 === 0 ? 1 : 0, t % 3 === 0 ? 1 : 0))).toBeUndefined();
  });

  it('caps the share at 100 % when orders placed before the window are rejected in it', () => {
    const rule = rejectionRateSpike({ maxRate: 0.3, windowSeconds: 5, minOrders: 5 });
    expect(rule.condition({ ...context(1000, 5, 0), interval: { seconds: 1, placed: 5, filled: 0, rejected: 17, messages: 10, latencyP95: Number.NaN } })).toMatchObject({
      message: '100% of the orders of the last 5 s rejected (limit 30%)',
      value: 1,
    });
  });
});
