import { afterEach, describe, expect, it } from 'vitest';
import { Attr, Instruments, SpanAttr } from 'trading-telemetry';
import { type MetricsHarness, metricsHarness } from '../support/metric-collector.js';
import { type TracingHarness, tracingHarness } from '../support/tracing-harness.js';

const btcBuy = { exchange: 'binance', symbol: 'BTC/USDT', side: 'buy', strategy: 'mm' } as const;

describe('fees, notional and funding', () => {
  let h: MetricsHarness | TracingHarness;
  afterEach(async () => h.shutdown());

  it('counts fees by exchange and fee asset, rebates apart, and notional by stream', async () => {
    const m = (h = metricsHarness());
    const buys = m.telemetry.orders.for(btcBuy);
    const sells = m.telemetry.orders.for({ ...btcBuy, side: 'sell' });
    buys.fee('BNB', 0.002);
    sells.fee('BNB', 0.001); // same exchange and asset: the same series
    buys.fee('USDT', -0.05); // a maker rebate
    buys.notional(50_000);
    buys.notional(25_000.5);
    sells.notional(10);
    expect(await m.value(Instruments.fees.name, { [Attr.asset]: 'BNB' })).toBeCloseTo(0.003, 12);
    expect(await m.value(Instruments.fees.name, { [Attr.asset]: 'USDT' })).toBe(0);
    expect(await m.value(Instruments.feeRebates.name, { [Attr.asset]: 'USDT' })).toBe(0.05);
    expect(await m.value(Instruments.notional.name, { [Attr.side]: 'buy' })).toBe(75_000.5);
    expect(await m.value(Instruments.notional.name, { [Attr.side]: 'sell' })).toBe(10);
    const fees = (await m.collect()).get(Instruments.fees.name);
    expect(fees?.type).toBe('counter');
    for (const point of fees?.points ?? []) expect(Object.keys(point.attributes).sort()).toEqual([Attr.asset, Attr.exchange].sort());
  });

  it('refuses and counts a bad fee, asset or notional, recording nothing', async () => {
    const m = (h = metricsHarness());
    const orders = m.telemetry.orders.for(btcBuy);
    orders.fee('BNB', Number.NaN);
    orders.fee('not an asset', 1);
    orders.fee(undefined as unknown as string, 1);
    orders.notional(-5);
    orders.notional(Infinity);
    const rejected = (await m.collect()).get(Instruments.rejectedMeasurements.name)?.points ?? [];
    const byKey = Object.fromEntries(rejected.map((p) => [`${String(p.attributes.instrument)} ${String(p.attributes.reason)}`, p.value]));
    expect(byKey).toMatchObject({
      [`${Instruments.fees.name} non_finite`]: 1,
      [`${Instruments.fees.name} invalid_label`]: 2,
      [`${Instruments.notional.name} negative`]: 1,
      [`${Instruments.notional.name} non_finite`]: 1,
    });
    expect(await m.value(Instruments.fees.name)).toBeUndefined();
    expect(await m.value(Instruments.notional.name)).toBe(0);
  });

  it('takes fees and notional from the fills of a tracked order, onto its span and summary', () => {
    const t = (h = tracingHarness());
    const order = t.telemetry.orders.track({ ...btcBuy, quantity: 2, price: 100 });
    order.sent().acknowledged();
    order.partiallyFilled({ quantity: 0.5, price: 100, fee: { cost: 0.05, currency: 'USDT' } });
    order.partiallyFilled({ quantity: 0.5, price: 101, fee: { cost: 0.0001, currency: 'BNB' } });
    order.filled({ price: 102, fee: { cost: -0.01, currency: 'USDT' } });
    expect(order.summary().fees).toEqual({ USDT: 0.04, BNB: 0.0001 });
    const events = t.span('order.lifecycle').events.filter((e) => e.name.endsWith('filled'));
    expect(events.map((e) => [e.attributes?.[SpanAttr.fillFee], e.attributes?.[SpanAttr.fillFeeAsset]])).toEqual([
      [0.05, 'USDT'],
      [0.0001, 'BNB'],
      [-0.01, 'USDT'],
    ]);
    const snapshot = t.telemetry.snapshot();
    expect(snapshot.orders.filled).toBe(1);
  });

  it('records tracked-order fees and notional into the fee and notional counters', async () => {
    const m = (h = metricsHarness());
    const order = m.telemetry.orders.track({ ...btcBuy, quantity: 1, price: 100 });
    order.sent().acknowledged();
    order.filled({ price: 99.5, fee: { cost: 0.1, currency: 'USDT' } });
    // A malformed fee from a JS caller is counted as refused; the fill still counts.
    const other = m.telemetry.orders.track({ ...btcBuy, quantity: 1 });
    other.sent().acknowledged();
    other.filled({ price: 1, fee: { cost: 'x' as unknown as number, currency: 'USDT' } });
    expect(other.summary().fees).toEqual({});
    expect(await m.value(Instruments.fees.name, { [Attr.asset]: 'USDT' })).toBe(0.1);
    expect(await m.value(Instruments.notional.name)).toBe(100.5);
    expect(await m.value(Instruments.rejectedMeasurements.name, { instrument: Instruments.fees.name })).toBe(1);
    expect(m.telemetry.snapshot().orders.filled).toBe(2);
  });

  it('reports realized P&L gross and net of fees, and total net of fees', async () => {
    const m = (h = metricsHarness());
    const p = m.telemetry.portfolio;
    p.setPnl({ realized: 120, unrealized: -20, fees: 7.5 });
    p.setPnl({ realized: 30, strategy: 'mm' });
    p.setPnl({ fees: 2, strategy: 'mm' });
    expect(await m.value(Instruments.realizedNetPnl.name, { [Attr.strategy]: 'mm' })).toBe(28);
    expect(await m.value(Instruments.pnlFees.name, { [Attr.strategy]: 'mm' })).toBe(2);
    const net = (await m.collect()).get(Instruments.realizedNetPnl.name)?.points ?? [];
    expect(net.find((point) => point.attributes[Attr.strategy] === undefined)?.value).toBe(112.5);
    expect(m.telemetry.snapshot().pnl).toEqual({ realized: 150, fees: 9.5, realizedNet: 140.5, unrealized: -20, total: 120.5, funding: 0 });
  });

  it('sums signed funding payments per perpetual', async () => {
    const m = (h = metricsHarness());
    const p = m.telemetry.portfolio;
    p.addFunding('binanceusdm', 'BTC/USDT:USDT', -1.25);
    p.addFunding('binanceusdm', 'BTC/USDT:USDT', 0.5);
    p.addFunding('binanceusdm', 'ETH/USDT:USDT', 0.1);
    p.addFunding('binanceusdm', 'ETH/USDT:USDT', Number.NaN); // refused, counted
    p.addFunding('bad exchange', 'ETH/USDT:USDT', 1); // refused, counted
    expect(await m.value(Instruments.funding.name, { [Attr.symbol]: 'BTC/USDT:USDT' })).toBe(-0.75);
    expect(await m.value(Instruments.funding.name, { [Attr.symbol]: 'ETH/USDT:USDT' })).toBe(0.1);
    expect(m.telemetry.snapshot().pnl.funding).toBeCloseTo(-0.65, 12);
    expect(await m.value(Instruments.rejectedMeasurements.name, { instrument: Instruments.funding.name, reason: 'non_finite' })).toBe(1);
    expect(await m.value(Instruments.rejectedMeasurements.name, { instrument: Instruments.funding.name, reason: 'invalid_label' })).toBe(1);
  });
});
