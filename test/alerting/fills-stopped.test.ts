import { describe, expect, it } from 'vitest';
import type { TelemetrySnapshot } from 'trading-telemetry';
import { fillsStopped, type RuleContext } from 'trading-telemetry/alerting';

function context(now: number, placed: number, filled: number): RuleContext {
  return { now, snapshot: {} as TelemetrySnapshot, risk: { tradingDay: '1970-01-01', dayStartPnl: 0, dailyPnl: 0, highWaterMark: 0, drawdown: 0 }, exchanges: [], interval: { seconds: 1, placed, filled, rejected: 0, messages: 10, latencyP95: Number.NaN } };
}

describe('fills_stopped', () => {
  it('fires once the window holds enough orders and no fill, and clears on the first fill', () => {
    const rule = fillsStopped({ windowSeconds: 5, minOrders: 5 });
    let now = 0;
    const step = (placed: number, filled: number) => rule.condition(context((now += 1000), placed, filled));
    for (let i = 0; i < 20; i++) expect(step(2, 2)).toBeUndefined(); // normal trading
    expect(step(2, 0)).toBeUndefined(); // one quiet second: the window still holds fills
    for (let i = 0; i < 2; i++) step(2, 0);
    expect(step(2, 0)).toBeUndefined(); // fills from 5 s ago are still in the window
    expect(step(2, 0)).toMatchObject({ message: '10 orders placed in the last 5 s and none filled', value: 10 });
    expect(step(2, 1)).toBeUndefined();
  });

  it('stays quiet while nothing is placed (a halted bot is not a frozen exchange)', () => {
    const rule = fillsStopped({ windowSeconds: 5, minOrders: 5 });
    for (let t = 1; t <= 30; t++) expect(rule.condition(context(t * 1000, t % 10 === 0 ? 1 : 0, 0))).toBeUndefined();
  });
});
