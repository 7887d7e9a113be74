import { afterEach, describe, expect, it } from 'vitest';
import { Attr, createTradingTelemetry, Instruments, TelemetryConfigError } from 'trading-telemetry';
import { OVERFLOW_ATTRIBUTE } from 'trading-telemetry/conventions';
import { type MetricsHarness, metricsHarness } from '../support/metric-collector.js';

describe('cardinality limit', () => {
  let h: MetricsHarness;
  afterEach(async () => h.shutdown());

  it('folds series past the limit into one otel.metric.overflow series and counts each fold', async () => {
    h = metricsHarness({ cardinalityLimit: 3 });
    for (let i = 0; i < 10; i++) h.telemetry.marketData.for('binance', `SYM-${i}`).message(2);
    const messages = (await h.collect()).get(Instruments.marketDataMessages.name)?.points ?? [];
    expect(messages).toHaveLength(3); // the limit counts the overflow series, as the OTel SDK does
    const overflow = messages.find((p) => p.attributes[OVERFLOW_ATTRIBUTE] === true);
    expect(overflow?.value).toBe(16); // 8 symbols × 2 messages: nothing lost, only folded
    expect(messages.filter((p) => p.attributes[Attr.symbol] !== undefined)).toHaveLength(2);
    expect(await h.value(Instruments.cardinalityOverflow.name, { instrument: Instruments.marketDataMessages.name })).toBe(8);
    expect(h.telemetry.snapshot().telemetry.cardinalityOverflow).toBeGreaterThanOrEqual(8);
  });

  it('bounds every instrument at 2000 series by default and loses no count to the overflow', async () => {
    h = metricsHarness();
    for (let i = 0; i < 2100; i++) h.telemetry.orders.for({ exchange: 'x', symbol: `S${i}`, side: 'buy' }).placed();
    const points = (await h.collect()).get(Instruments.orders.name)?.points ?? [];
    expect(points.length).toBe(2000); // 1999 series + the overflow one
    // Only `placed` was recorded, so every count is either a placed series or folded into the overflow.
    const counted = points.filter((p) => p.attributes[Attr.orderStatus] === 'placed' || p.attributes[OVERFLOW_ATTRIBUTE] === true);
    expect(counted.reduce((sum, p) => sum + (p.value as number), 0)).toBe(2100);
    expect(h.telemetry.snapshot().orders.placed).toBe(2100);
  });

  it('resolves an order stream once per key however the key is spelled, and counts every lookup that lands in the overflow', async () => {
    h = metricsHarness({ cardinalityLimit: 3 });
    const key = { exchange: 'x', symbol: 'BTC-USD', side: 'buy' } as const;
    expect(h.telemetry.orders.for({ ...key, orderType: 'limit' })).toBe(h.telemetry.orders.for(key)); // limit is the default type
    h.telemetry.orders.for({ ...key, side: 'sell' }).placed();
    for (let i = 0; i < 5; i++) h.telemetry.orders.for({ ...key, symbol: 'ETH-USD' }).placed(); // the third stream: over the limit
    expect(await h.value(Instruments.cardinalityOverflow.name, { instrument: Instruments.activeOrders.name })).toBe(5);
    expect(h.telemetry.snapshot().orders.placed).toBe(6);
  });

  it('rejects a limit that is not a positive integer with a typed error naming the option', () => {
    expect(() => createTradingTelemetry({ cardinalityLimit: 0 })).toThrow(TelemetryConfigError);
    expect(() => createTradingTelemetry({ cardinalityLimit: 1.5 })).toThrow(/cardinalityLimit/);
  });
});
