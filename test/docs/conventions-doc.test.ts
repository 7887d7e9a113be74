import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { BEGIN, END, conventionsTable } from '../../scripts/conventions-table.js';

describe('docs/conventions.md', () => {
  it('lists every instrument exactly as src/conventions.ts defines it (run npm run docs:conventions)', async () => {
    const doc = await readFile(new URL('../../docs/conventions.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf(BEGIN) + BEGIN.length, doc.indexOf(END)).trim();
    expect(table).toBe(conventionsTable());
  });

  it('documents every span attribute key src/conventions.ts defines', async () => {
    const { SpanAttr } = await import('trading-telemetry');
    const doc = await readFile(new URL('../../docs/conventions.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Span attributes'), doc.indexOf('## Instruments'));
    for (const key of Object.values(SpanAttr)) expect(section, key).toContain(`| \`${key}\` |`);
  });
});

describe('documented Prometheus names', () => {
  it('are exactly what the running exporter serves, with the documented TYPE', async () => {
    const { startTelemetry, Instruments } = await import('trading-telemetry');
    const { AnomalyDetector, anomalyRule, startAlerting } = await import('trading-telemetry/alerting');
    const { instrumentExchange } = await import('trading-telemetry/ccxt');
    const { BinanceSimulator } = await import('../support/binance-simulator.js');
    const { prometheusName } = await import('../../scripts/conventions-table.js');
    const probe = { name: 'probe', direction: 'high', read: () => undefined } as const;
    const detector = new AnomalyDetector([probe], { warmupSamples: 3 });
    const delivered: string[] = [];
    const handle = await startTelemetry({
      serviceName: 'names',
      server: { port: 0 },
      otlp: { endpoint: 'http://127.0.0.1:1', timeoutMillis: 200 }, // so the export pipeline instruments exist
      shutdownTimeoutMillis: 500,
      cardinalityLimit: 2,
      runtimeMetrics: false,
      env: {},
    });
    const alerting = await startAlerting(handle, {
      rules: [
        { name: 'always', severity: 'info', condition: () => ({ message: 'on' }) },
        {
          name: 'broken',
          severity: 'info',
          condition: () => {
            throw new Error('bad rule');
          },
        },
        anomalyRule(detector),
      ],
      notifiers: [{ name: 'memory', send: (n) => Promise.resolve(void delivered.push(n.text)) }],
      groupWaitMillis: 0,
      evaluateEveryMillis: 3_600_000,
      incidents: { path: join(await mkdtemp(join(tmpdir(), 'names-')), 'incidents.jsonl') },
    });
    try {
      const t = handle.telemetry;
      const orders = t.orders.for({ exchange: 'x', symbol: 'BTC-USD', side: 'buy' });
      orders.placed();
      orders.rejected('other');
      orders.trade();
      orders.notional(100);
      orders.fee('BNB', 0.001);
      orders.fee('USD', -0.02); // a maker rebate
      orders.slippage(1);
      orders.fillRatio(1);
      orders.stageDuration('sent', 0.001);
      orders.orderDuration('filled', 0.001);
      t.portfolio.setPosition('x', 'BTC-USD', 1);
      t.portfolio.setBalance('x', 'USD', 1);
      t.portfolio.setPnl({ realized: 1, unrealized: 1, fees: 0.5 });
      t.portfolio.addFunding('x', 'BTC-USD', -0.3);
      t.marketData.for('x', 'BTC-USD').message(1, Date.now() - 3);
      t.marketData.reconnected('x');
      await (await fetch(`${handle.url}/health`)).text(); // runs the built-in checks, so their gauge has values
      t.marketData.for('x', 'ETH-USD').message(); // past the limit of 2: overflow
      t.marketData.setConnected('x', true);
      t.orders.for({ exchange: 'bad label', symbol: 'x', side: 'buy' }).placed();
      t.orders.track({ exchange: 'x', symbol: 'BTC-USD', side: 'buy', quantity: 1 }).filled(); // out of order: a lifecycle error
      for (const value of [1, 1.1, 0.9, 1, 1.05, 50]) detector.score(probe, value, Date.now()); // the last is an anomaly
      alerting.engine.evaluate(); // fires 'always' (a notification), errors 'broken'
      await vi.waitFor(() => expect(delivered.length).toBeGreaterThan(0));
      // The exchange instruments: a ccxt client on the Binance simulator, streaming a book, then refused for rate (429).
      const simulator = await BinanceSimulator.start();
      let text: string;
      try {
        const exchange = instrumentExchange(simulator.client(), handle);
        await exchange.watchOrderBook('BTC/USDT');
        await simulator.control('weight-budget', { limit: 1 });
        await exchange.fetchTime().catch(() => undefined);
        text = await (await fetch(`${handle.url}/metrics`)).text();
      } finally {
        await simulator.close();
      }
      for (const convention of Object.values(Instruments)) {
        expect(text, convention.name).toContain(`# TYPE ${prometheusName(convention)} ${convention.kind}\n`);
      }
    } finally {
      await handle.shutdown();
    }
  });
});
