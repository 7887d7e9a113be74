import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { Attr, Instruments } from 'trading-telemetry';
import { LATENCY_BUCKETS_SECONDS, OVERFLOW_ATTRIBUTE, SLIPPAGE_BUCKETS_BPS } from 'trading-telemetry/conventions';
import { type MetricsHarness, metricsHarness } from '../support/metric-collector.js';

const btcBuy = { exchange: 'binance', symbol: 'BTC-USDT', side: 'buy', strategy: 'mm' } as const;
const btcBuyLabels = {
  [Attr.exchange]: 'binance',
  [Attr.symbol]: 'BTC-USDT',
  [Attr.side]: 'buy',
  [Attr.orderType]: 'limit',
  [Attr.strategy]: 'mm',
};

describe('trading instruments', () => {
  let h: MetricsHarness;
  afterEach(async () => h.shutdown());

  it('exports every facade instrument with its conventional name, unit and kind', async () => {
    h = metricsHarness({ cardinalityLimit: 1 });
    h.telemetry.marketData.for('binance', 'ETH-USDT').message(); // over the limit of 1: overflow
    const orders = h.telemetry.orders.for(btcBuy);
    orders.placed();
    orders.rejected('rate_limited');
    orders.slippage(1);
    orders.fillRatio(1);
    orders.stageDuration('sent', 0.001);
    orders.orderDuration('filled', 0.01);
    h.telemetry.portfolio.setPosition('binance', 'BTC-USDT', 1);
    h.telemetry.portfolio.setBalance('binance', 'USDT', 1);
    h.telemetry.portfolio.setPnl({ realized: 1, unrealized: 1 });
    h.telemetry.marketData.setConnected('binance', true);
    h.telemetry.marketData.for('binance', 'BTC-USDT').message(1, Date.now() - 2);
    h.telemetry.marketData.reconnected('binance');
    h.telemetry.orders.for({ ...btcBuy, side: 'hold' as 'buy' }).placed();

    const collected = await h.collect();
    const facadeInstruments = [
      Instruments.orders, Instruments.activeOrders, Instruments.trades, Instruments.stageDuration, Instruments.orderDuration,
      Instruments.slippage, Instruments.fillRatio, Instruments.positionSize, Instruments.openPositions, Instruments.balance,
      Instruments.realizedPnl, Instruments.unrealizedPnl, Instruments.exchangeConnected, Instruments.marketDataMessages,
      Instruments.marketDataStaleness, Instruments.marketDataLatency, Instruments.exchangeReconnects,
      Instruments.rejectedMeasurements, Instruments.cardinalityOverflow,
    ];
    for (const convention of facadeInstruments) {
      const metric = collected.get(convention.name);
      expect(metric, convention.name).toBeDefined();
      expect(metric?.unit, convention.name).toBe(convention.unit);
      expect(metric?.type, convention.name).toBe(convention.kind);
      for (const point of metric?.points ?? []) {
        for (const key of Object.keys(point.attributes).filter((k) => k !== OVERFLOW_ATTRIBUTE)) {
          expect(convention.attributes, `${convention.name} label ${key}`).toContain(key);
        }
      }
    }
  });

  it('counts orders by status exactly, with the reject reason on rejections', async () => {
    h = metricsHarness();
    const orders = h.telemetry.orders.for(btcBuy);
    orders.placed(5);
    orders.placed();
    orders.filled(3);
    orders.partiallyFilled(2);
    orders.cancelled();
    orders.expired();
    orders.rejected('insufficient_balance');
    orders.trade(4);

    const name = Instruments.orders.name;
    expect(await h.value(name, { ...btcBuyLabels, [Attr.orderStatus]: 'placed' })).toBe(6);
    expect(await h.value(name, { ...btcBuyLabels, [Attr.orderStatus]: 'filled' })).toBe(3);
    expect(await h.value(name, { ...btcBuyLabels, [Attr.orderStatus]: 'partially_filled' })).toBe(2);
    expect(await h.value(name, { ...btcBuyLabels, [Attr.orderStatus]: 'cancelled' })).toBe(1);
    expect(await h.value(name, { ...btcBuyLabels, [Attr.orderStatus]: 'expired' })).toBe(1);
    expect(
      await h.value(name, { ...btcBuyLabels, [Attr.orderStatus]: 'rejected', [Attr.rejectReason]: 'insufficient_balance' }),
    ).toBe(1);
    expect(await h.value(Instruments.trades.name, { [Attr.symbol]: 'BTC-USDT' })).toBe(4);
    // 6 placed − (3 filled + 1 cancelled + 1 expired + 1 rejected) = 0 active
    expect(await h.value(Instruments.activeOrders.name, btcBuyLabels)).toBe(0);
    orders.placed(2);
    expect(await h.value(Instruments.activeOrders.name, btcBuyLabels)).toBe(2);
  });

  it('omits the strategy label when none is given and defaults the order type to limit', async () => {
    h = metricsHarness();
    h.telemetry.orders.for({ exchange: 'kraken', symbol: 'ETH/USD', side: 'sell' }).placed();
    const points = (await h.collect()).get(Instruments.orders.name)?.points ?? [];
    const placed = points.find((p) => p.attributes[Attr.orderStatus] === 'placed');
    expect(placed?.attributes).toEqual({
      [Attr.exchange]: 'kraken',
      [Attr.symbol]: 'ETH/USD',
      [Attr.side]: 'sell',
      [Attr.orderType]: 'limit',
      [Attr.orderStatus]: 'placed',
    });
  });

  it('records latency into trading buckets from 50 µs to 10 s', async () => {
    h = metricsHarness();
    const orders = h.telemetry.orders.for(btcBuy);
    for (const seconds of [0.00004, 0.0003, 0.0003, 0.02, 12]) orders.stageDuration('acknowledged', seconds);
    const histogram = (await h.value(Instruments.stageDuration.name, {
      [Attr.exchange]: 'binance',
      [Attr.orderStage]: 'acknowledged',
    })) as Histogram;
    expect(histogram.buckets.boundaries).toEqual(LATENCY_BUCKETS_SECONDS);
    expect(histogram.count).toBe(5);
    expect(histogram.sum).toBeCloseTo(12.02064, 10);
    const countAt = (le: number): number => histogram.buckets.counts[LATENCY_BUCKETS_SECONDS.indexOf(le)] ?? NaN;
    expect(countAt(0.00005)).toBe(1);
    expect(countAt(0.0005)).toBe(2);
    expect(countAt(0.025)).toBe(1);
    expect(histogram.buckets.counts.at(-1)).toBe(1); // +Inf
  });

  it('records signed slippage as magnitude plus direction, and fill ratios', async () => {
    h = metricsHarness();
    const orders = h.telemetry.orders.for(btcBuy);
    orders.slippage(-3);
    orders.slippage(7.5);
    orders.slippage(0.5);
    orders.fillRatio(0.5);
    const adverse = (await h.value(Instruments.slippage.name, { [Attr.slippageDirection]: 'adverse' })) as Histogram;
    const favorable = (await h.value(Instruments.slippage.name, { [Attr.slippageDirection]: 'favorable' })) as Histogram;
    expect(adverse.buckets.boundaries).toEqual(SLIPPAGE_BUCKETS_BPS);
    expect([adverse.count, adverse.sum]).toEqual([2, 8]);
    expect([favorable.count, favorable.sum]).toEqual([1, 3]);
    expect(h.telemetry.snapshot().slippage).toMatchObject({ count: 3, meanBps: 5 / 3, adverseShare: 2 / 3 });
    const ratio = (await h.value(Instruments.fillRatio.name, { [Attr.symbol]: 'BTC-USDT' })) as Histogram;
    expect(ratio.sum).toBe(0.5);
  });

  it('holds signed positions, balances and P&L as plain floats', async () => {
    h = metricsHarness();
    const p = h.telemetry.portfolio;
    p.setPosition('binance', 'BTC-USDT', -1.25);
    p.setPosition('binance', 'ETH-USDT', 0);
    p.setBalance('binance', 'USDT', -10.5);
    p.setPnl({ realized: -5000.25, unrealized: 12.5 });
    p.setPnl({ realized: 3, strategy: 'mm' });
    expect(await h.value(Instruments.positionSize.name, { [Attr.symbol]: 'BTC-USDT' })).toBe(-1.25);
    expect(await h.value(Instruments.openPositions.name, { [Attr.exchange]: 'binance' })).toBe(1);
    expect(await h.value(Instruments.balance.name, { [Attr.asset]: 'USDT' })).toBe(-10.5);
    const realized = (await h.collect()).get(Instruments.realizedPnl.name)?.points ?? [];
    expect(realized.map((r) => [r.attributes[Attr.strategy], r.value])).toEqual([
      [undefined, -5000.25],
      ['mm', 3],
    ]);
    expect(await h.value(Instruments.unrealizedPnl.name)).toBe(12.5);
  });

  it('derives market-data staleness at collection time and tracks connection state', async () => {
    let now = 1_000_000;
    h = metricsHarness({ clock: () => now });
    const feed = h.telemetry.marketData.for('binance', 'BTC-USDT');
    feed.message(3);
    now += 12_500;
    expect(await h.value(Instruments.marketDataStaleness.name, { [Attr.symbol]: 'BTC-USDT' })).toBe(12.5);
    expect(await h.value(Instruments.marketDataMessages.name, { [Attr.symbol]: 'BTC-USDT' })).toBe(3);
    feed.message(1, now - 250); // the exchange stamped it 250 ms ago
    feed.message(1, now + 40); // a clock ahead of ours: zero latency, not a refusal
    const latency = (await h.value(Instruments.marketDataLatency.name, { [Attr.exchange]: 'binance' })) as Histogram;
    expect([latency.count, latency.sum]).toEqual([2, 0.25]);
    h.telemetry.marketData.reconnected('binance');
    expect(await h.value(Instruments.exchangeReconnects.name, { [Attr.exchange]: 'binance' })).toBe(1);
    h.telemetry.marketData.setConnected('binance', false);
    expect(await h.value(Instruments.exchangeConnected.name, { [Attr.exchange]: 'binance' })).toBe(0);
    h.telemetry.marketData.setConnected('binance', true);
    expect(await h.value(Instruments.exchangeConnected.name, { [Attr.exchange]: 'binance' })).toBe(1);
  });

  it('returns the same bound handle for the same key', () => {
    h = metricsHarness();
    expect(h.telemetry.orders.for(btcBuy)).toBe(h.telemetry.orders.for({ ...btcBuy }));
  });
});
