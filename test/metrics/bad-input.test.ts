import { afterEach, describe, expect, it } from 'vitest';
import { Attr, Instruments, type OrderKey } from 'trading-telemetry';
import { type MetricsHarness, metricsHarness } from '../support/metric-collector.js';

const key: OrderKey = { exchange: 'binance', symbol: 'BTC-USDT', side: 'buy' };
type Loose = Record<string, unknown>;

describe('bad input', () => {
  let h: MetricsHarness;
  afterEach(async () => h.shutdown());

  async function rejected(instrument: string, reason: string): Promise<number> {
    return ((await h.value(Instruments.rejectedMeasurements.name, { instrument, reason })) as number | undefined) ?? 0;
  }

  it('refuses NaN, Infinity and negative latency and counts each by reason', async () => {
    h = metricsHarness();
    const orders = h.telemetry.orders.for(key);
    expect(() => {
      orders.stageDuration('sent', NaN);
      orders.stageDuration('sent', Infinity);
      orders.stageDuration('sent', -0.001);
      orders.orderDuration('filled', -Infinity);
      orders.stageDuration('sent', '0.1' as unknown as number);
    }).not.toThrow();
    expect(await rejected(Instruments.stageDuration.name, 'non_finite')).toBe(3);
    expect(await rejected(Instruments.stageDuration.name, 'negative')).toBe(1);
    expect(await rejected(Instruments.orderDuration.name, 'non_finite')).toBe(1);
    expect((await h.collect()).get(Instruments.stageDuration.name)).toBeUndefined();
    expect(h.telemetry.snapshot().telemetry.rejectedMeasurements).toBe(5);
  });

  it('refuses negative, NaN and non-numeric order counts without touching the series', async () => {
    h = metricsHarness();
    const orders = h.telemetry.orders.for(key);
    orders.placed(2);
    orders.placed(-1);
    orders.filled(NaN);
    orders.cancelled('1' as unknown as number);
    orders.trade(-5);
    expect(await h.value(Instruments.orders.name, { [Attr.orderStatus]: 'placed' })).toBe(2);
    expect(await h.value(Instruments.orders.name, { [Attr.orderStatus]: 'filled' })).toBe(0);
    expect(await h.value(Instruments.orders.name, { [Attr.orderStatus]: 'cancelled' })).toBe(0);
    expect(await rejected(Instruments.orders.name, 'negative')).toBe(1);
    expect(await rejected(Instruments.orders.name, 'non_finite')).toBe(2);
    expect(await rejected(Instruments.trades.name, 'negative')).toBe(1);
  });

  it('refuses unknown enum values from JS callers', async () => {
    h = metricsHarness();
    const orders = h.telemetry.orders.for(key);
    const loose = orders as unknown as Record<string, (...args: unknown[]) => void>;
    loose.rejected?.('because');
    loose.stageDuration?.('teleported', 0.1);
    loose.orderDuration?.('placed', 0.1);
    h.telemetry.orders.for({ ...key, side: 'long' } as unknown as OrderKey).placed();
    h.telemetry.orders.for({ ...key, orderType: 'iceberg' } as unknown as OrderKey).placed();
    expect(await rejected(Instruments.orders.name, 'invalid_enum')).toBe(3);
    expect(await rejected(Instruments.stageDuration.name, 'invalid_enum')).toBe(1);
    expect(await rejected(Instruments.orderDuration.name, 'invalid_enum')).toBe(1);
    const series = (await h.collect()).get(Instruments.orders.name)?.points ?? [];
    expect(series.every((p) => p.attributes[Attr.side] === 'buy' && p.attributes[Attr.orderType] === 'limit')).toBe(true);
  });

  it.each([
    ['a quote', 'BTC"USDT'],
    ['a newline', 'BTC\nUSDT'],
    ['a space', 'BTC USDT'],
    ['extreme length', 'X'.repeat(10_000)],
    ['an empty string', ''],
    ['a non-string', 42],
    ['undefined', undefined],
  ])('keeps a label value with %s out of every series', async (_, symbol) => {
    h = metricsHarness();
    const bad = { ...key, symbol } as Loose as unknown as OrderKey;
    h.telemetry.orders.for(bad).placed();
    h.telemetry.orders.for(bad).slippage(1);
    h.telemetry.portfolio.setPosition('binance', symbol as string, 1);
    h.telemetry.marketData.for('binance', symbol as string).message();
    h.telemetry.marketData.setConnected(symbol as string, true);
    const collected = await h.collect();
    for (const metric of collected.values()) {
      if (metric.name === Instruments.rejectedMeasurements.name) continue;
      for (const point of metric.points) expect(Object.values(point.attributes)).not.toContain(symbol);
    }
    expect(await rejected(Instruments.orders.name, 'invalid_label')).toBe(1);
    expect(await rejected(Instruments.slippage.name, 'invalid_label')).toBe(1);
    expect(await rejected(Instruments.positionSize.name, 'invalid_label')).toBe(1);
    expect(await rejected(Instruments.marketDataMessages.name, 'invalid_label')).toBe(1);
    expect(await rejected(Instruments.exchangeConnected.name, 'invalid_label')).toBe(1);
  });

  it('never throws for a missing or non-object key', () => {
    h = metricsHarness();
    expect(() => h.telemetry.orders.for(undefined as unknown as OrderKey).placed()).not.toThrow();
    expect(() => h.telemetry.orders.for(null as unknown as OrderKey).filled()).not.toThrow();
    expect(h.telemetry.snapshot().telemetry.rejectedMeasurements).toBe(2);
  });

  it('refuses non-finite gauge values and keeps the last good one', async () => {
    h = metricsHarness();
    h.telemetry.portfolio.setPosition('binance', 'BTC-USDT', 2);
    h.telemetry.portfolio.setPosition('binance', 'BTC-USDT', NaN);
    h.telemetry.portfolio.setPnl({ realized: Infinity, unrealized: -1 });
    expect(await h.value(Instruments.positionSize.name)).toBe(2);
    expect(await h.value(Instruments.unrealizedPnl.name)).toBe(-1);
    expect(await rejected(Instruments.positionSize.name, 'non_finite')).toBe(1);
    expect(await rejected(Instruments.realizedPnl.name, 'non_finite')).toBe(1);
  });

  it('bound position and balance gauges: the same series as the setters; bad labels refuse every set', async () => {
    h = metricsHarness();
    const btc = h.telemetry.portfolio.positionGauge('binance', 'BTC-USDT');
    btc.set(3);
    btc.set(NaN); // refused, the 3 stays
    h.telemetry.portfolio.balanceGauge('binance', 'USDT').set(-250);
    expect(await h.value(Instruments.positionSize.name, { [Attr.symbol]: 'BTC-USDT' })).toBe(3);
    h.telemetry.portfolio.setPosition('binance', 'BTC-USDT', 4);
    expect(await h.value(Instruments.positionSize.name, { [Attr.symbol]: 'BTC-USDT' })).toBe(4);
    expect(await h.value(Instruments.balance.name, { [Attr.asset]: 'USDT' })).toBe(-250);
    const bad = h.telemetry.portfolio.positionGauge('bin ance', 'BTC-USDT');
    bad.set(1);
    bad.set(2);
    expect(await rejected(Instruments.positionSize.name, 'invalid_label')).toBe(3); // at bind, then each set
    expect(await rejected(Instruments.positionSize.name, 'non_finite')).toBe(1);
  });

  it('refuses fill ratios outside 0..1', async () => {
    h = metricsHarness();
    const orders = h.telemetry.orders.for(key);
    orders.fillRatio(1.5);
    orders.fillRatio(-0.1);
    expect(await rejected(Instruments.fillRatio.name, 'out_of_range')).toBe(1);
    expect(await rejected(Instruments.fillRatio.name, 'negative')).toBe(1);
  });

  it('logs the first refusal per instrument and reason through the library logger, once, with no OTEL_LOG_LEVEL', async () => {
    const warnings: { fields: object; message: string }[] = [];
    const logger = { info: () => undefined, error: () => undefined, warn: (fields: object, message: string) => void warnings.push({ fields, message }) };
    h = metricsHarness({ logger });
    const orders = h.telemetry.orders.for(key);
    for (let i = 0; i < 100; i++) orders.stageDuration('sent', NaN);
    orders.stageDuration('sent', -1);
    h.telemetry.orders.for({ ...key, exchange: 'bad label' }).placed();
    expect(warnings.map((w) => w.fields)).toEqual([
      { instrument: Instruments.stageDuration.name, reason: 'non_finite' },
      { instrument: Instruments.stageDuration.name, reason: 'negative' },
      { instrument: Instruments.orders.name, reason: 'invalid_label' },
    ]);
    expect(warnings[0]?.message).toMatch(/refused a measurement \(non_finite\).*Further ones are only counted/);
    expect(await rejected(Instruments.stageDuration.name, 'non_finite')).toBe(100);
  });
});
