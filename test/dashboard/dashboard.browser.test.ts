/// <reference lib="dom" />
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrderSummary, startTelemetry } from 'trading-telemetry';
import { type BotProcess, eventually, startBotProcess } from '../support/bot-process.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';

const root = resolve(import.meta.dirname, '../..');

interface DashboardState {
  updates: number;
  series: { t: number[]; placed: number[]; pnlTotal: number[]; p95: (number | null)[] };
}

describe('the live dashboard in real Chromium, against the running example bot', () => {
  let receiver: OtlpReceiver;
  let bot: BotProcess;
  let browser: Browser;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    bot = await startBotProcess(['--duration', '60', '--port', '0', '--rate', '15'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    // Playwright gives every launch a new, empty profile of its own.
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    bot.child.kill('SIGKILL');
    await receiver.close();
  });

  it('charts hold data and update; search finds a real correlation id; the waterfall matches the trace', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1400 }, colorScheme: 'dark' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${bot.url}/`);

    // Charts hold data, and keep updating from the live stream.
    await page.waitForFunction(() => {
      const d = (window as unknown as { __dashboard?: DashboardState }).__dashboard;
      return d !== undefined && d.updates >= 3 && d.series.t.length >= 3 && d.series.placed.some((v) => v > 0) && d.series.p95.some((v) => v !== null && v > 0);
    }, undefined, { timeout: 30_000 });
    const first = await page.evaluate(() => {
      const d = (window as unknown as { __dashboard: DashboardState }).__dashboard;
      return { updates: d.updates, points: d.series.t.length, placed: d.series.placed.some((v) => v > 0), latency: d.series.p95.some((v) => v !== null && v > 0) };
    });
    expect(first.placed).toBe(true);
    expect(first.latency).toBe(true);
    await page.waitForFunction((before) => (window as unknown as { __dashboard: DashboardState }).__dashboard.series.t.length > before, first.points, { timeout: 10_000 });
    expect(await page.locator('#chart-pnl canvas').count()).toBe(1);
    expect(await page.textContent('#k-placed')).toMatch(/^\d[\d,]*$/);
    expect(await page.textContent('#status-pill')).toMatch(/HEALTHY|DEGRADED/);

    // A real order, finished and exported: search for its correlation id.
    const order = await eventually(async () => {
      const { orders } = (await (await fetch(`${bot.url}/api/orders?limit=100`)).json()) as { orders: OrderSummary[] };
      // Preferably one with several partial fills: a stage that repeats must still have one slowest bar.
      const exported = orders.filter((o) => o.stage === 'filled' && o.stages.length >= 5 && receiver.spans.some((s) => s.traceId === o.traceId && s.name === 'order.lifecycle'));
      return exported.find((o) => o.stages.filter((stage) => stage.stage === 'partially_filled').length >= 2) ?? exported[0];
    }, 'a filled order whose trace was exported');
    await page.fill('#search', order.correlationId);
    const row = page.locator(`#orders tbody tr[data-correlation-id="${order.correlationId}"]`);
    await row.waitFor({ timeout: 10_000 });
    // The row may already be listed before the search result renders: wait for the filtered table.
    await expect.poll(() => page.locator('#orders tbody tr').count(), { timeout: 10_000 }).toBe(1);

    // The waterfall: one bar per stage, durations equal to the time between the exported stage events, slowest highlighted.
    await row.click();
    await page.locator('#waterfall[open]').waitFor();
    const bars = await page.locator('#wf-bars .bar-row').evaluateAll((rows) =>
      rows.map((r) => ({ stage: r.getAttribute('data-stage'), ms: Number(r.getAttribute('data-duration-ms')), slowest: r.classList.contains('slowest') })),
    );
    const lifecycle = receiver.spans.find((s) => s.traceId === order.traceId && s.name === 'order.lifecycle');
    const stageEvents = lifecycle?.events.filter((e) => e.name.startsWith('order.')) ?? [];
    expect(bars.map((b) => `order.${b.stage ?? ''}`)).toEqual(stageEvents.map((e) => e.name));
    bars.forEach((bar, i) => {
      const since = i === 0 ? lifecycle?.startTimeUnixNano : stageEvents[i - 1]?.timeUnixNano;
      const traceMillis = Number((stageEvents[i]?.timeUnixNano ?? 0n) - (since ?? 0n)) / 1e6;
      expect(Math.abs(bar.ms - traceMillis), `${bar.stage ?? ''}: waterfall ${bar.ms} ms, trace ${traceMillis} ms`).toBeLessThan(0.01);
    });
    const slowest = bars.reduce((a, b) => (b.ms > a.ms ? b : a));
    expect(bars.filter((b) => b.slowest).map((b) => b.stage)).toEqual([slowest.stage]);
    await page.screenshot({ path: join(root, '.tmp', 'waterfall.png') });
    await page.click('#wf-close');

    // Dark and light themes.
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    await page.fill('#search', '');
    await page.waitForTimeout(2500);
    await page.evaluate(() => window.scrollTo(0, 0));
    await mkdir(join(root, 'docs', 'images'), { recursive: true });
    await page.screenshot({ path: join(root, 'docs', 'images', 'dashboard.png'), fullPage: true });
    await page.click('#theme');
    expect(await page.getAttribute('html', 'data-theme')).toBe('light');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('highlights exactly one bar, the longest, when a stage repeats (three partial fills)', async () => {
    const handle = await startTelemetry({ serviceName: 'waterfall-test', server: { port: 0 }, env: {}, runtimeMetrics: false });
    const context = await browser.newContext();
    try {
      const pause = (millis: number) => new Promise((done) => setTimeout(done, millis));
      const order = handle.telemetry.orders.track({ exchange: 'sim', symbol: 'BTC-USD', side: 'buy', quantity: 3, price: 100 });
      order.riskChecked();
      order.sent();
      order.acknowledged({ exchangeOrderId: 'X-1' });
      await pause(5);
      order.partiallyFilled({ quantity: 1, price: 100 });
      await pause(60); // the slow one
      order.partiallyFilled({ quantity: 1, price: 100 });
      await pause(5);
      order.partiallyFilled({ quantity: 0.5, price: 100 });
      order.filled({ quantity: 0.5, price: 100 });

      const page = await context.newPage();
      await page.goto(`${handle.url ?? ''}/`);
      await page.fill('#search', order.correlationId);
      const row = page.locator(`#orders tbody tr[data-correlation-id="${order.correlationId}"]`);
      await row.waitFor({ timeout: 10_000 });
      await row.click();
      await page.locator('#waterfall[open]').waitFor();
      const bars = await page.locator('#wf-bars .bar-row').evaluateAll((rows) => rows.map((r) => ({ stage: r.getAttribute('data-stage'), ms: Number(r.getAttribute('data-duration-ms')), slowest: r.classList.contains('slowest') })));
      expect(bars.map((b) => b.stage)).toEqual(['risk_checked', 'sent', 'acknowledged', 'partially_filled', 'partially_filled', 'partially_filled', 'filled']);
      const highlighted = bars.filter((b) => b.slowest);
      expect(highlighted).toHaveLength(1);
      expect(highlighted[0]).toEqual({ stage: 'partially_filled', ms: Math.max(...bars.map((b) => b.ms)), slowest: true });
      expect(bars[4]?.slowest).toBe(true); // the second partial fill, after the 60 ms pause
    } finally {
      await context.close();
      await handle.shutdown();
    }
  }, 60_000);
});
