import { describe, expect, it } from 'vitest';
import { formatReport } from 'trading-telemetry';
import { metricsHarness } from '../support/metric-collector.js';

describe('snapshot and formatReport', () => {
  it('reports totals, fill rate, latency percentiles, P&L, uptime and connections like the seed', async () => {
    let now = 0;
    const h = metricsHarness({ clock: () => now });
    const orders = h.telemetry.orders.for({ exchange: 'binance', symbol: 'BTC-USDT', side: 'buy' });
    for (let i = 0; i < 100; i++) {
      orders.placed();
      if (i % 10 === 9) orders.rejected('rate_limited');
      else {
        orders.filled();
        orders.orderDuration('filled', 0.03 + (i % 50) / 1000);
      }
    }
    h.telemetry.portfolio.setPnl({ realized: -1234.5, unrealized: 34.5 });
    h.telemetry.portfolio.setPosition('binance', 'BTC-USDT', 0.5);
    h.telemetry.marketData.for('binance', 'BTC-USDT').message();
    h.telemetry.marketData.setConnected('binance', true);
    now = 3_723_000; // 1h 2m 3s

    const snapshot = h.telemetry.snapshot();
    expect(snapshot.orders).toMatchObject({ placed: 100, filled: 90, rejected: 10, active: 0 });
    expect(snapshot.fillRate).toBe(0.9);
    expect(snapshot.rejectionRate).toBe(0.1);
    expect(snapshot.latency?.count).toBe(90);
    expect(snapshot.latency?.mean).toBeCloseTo(0.0544, 3);
    expect(snapshot.pnl.total).toBe(-1200);
    expect(snapshot.uptimeSeconds).toBe(3723);
    expect(snapshot.connected).toBe(true);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);

    const report = formatReport(snapshot);
    expect(report).toContain('Uptime: 01h 02m 03s');
    expect(report).toContain('100 placed, 90 filled, 10 rejected');
    expect(report).toContain('Fill rate: 90.0%');
    expect(report).toMatch(/Latency: avg 54\.\d ms/);
    expect(report).toContain('P&L: −1,200.00'); // a real minus sign, as in the terminal view and the dashboard
    expect(report).toContain('binance: connected');
    const widths = new Set(report.split('\n').map((line) => Array.from(line).length));
    expect(widths.size).toBe(1); // a closed box
    await h.shutdown();
  });

  it('shows a disconnected exchange and no latency before the first completed order', async () => {
    const h = metricsHarness();
    h.telemetry.marketData.setConnected('kraken', false);
    const snapshot = h.telemetry.snapshot();
    expect(snapshot.connected).toBe(false);
    expect(snapshot.fillRate).toBeNull();
    const report = formatReport(snapshot);
    expect(report).toContain('kraken: DISCONNECTED, no data');
    expect(report).toContain('no completed orders yet');
    await h.shutdown();
  });
});
