/// <reference lib="dom" />
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OrderSummary, startTelemetry } from 'trading-telemetry';
import { type BotProcess, eventually, startBotProcess } from '../support/bot-process.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';


interface DashboardState {
  updates: number;
  series: { t: number[]; placed: number[]; pnlTotal: number[]; p95: (number | null)[] };
}

describe('the live dashboard in real Chromium, against the running example bot', () => {
  let receiver: OtlpReceiver;
  let bot: BotProcess;
  let browser: Browser;
  // Screenshots go to a temp folder: tests never write tracked files (npm run screenshot renews docs/images/dashboard.png).
  let shots: string;

  beforeAll(async () => {
    shots = await mkdtemp(join(tmpdir(), 'dashboard-shots-'));
    receiver = await OtlpReceiver.start();
    bot = await startBotProcess(['--duration', '90', '--port', '0', '--rate', '15'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    // Playwright gives every launch a new, empty profile of its own.
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await bot.stop(1000);
    await receiver.close();
    await rm(shots, { recursive: true, force: true });
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

    // A real order, finished and exported: search for its correlation id. At 15 orders/s the keep
    // policy keeps the rejected, slow and 1% of the rest (orders.keep), and the summary says which.
    const order = await eventually(async () => {
      const { orders } = (await (await fetch(`${bot.url}/api/orders?limit=100`)).json()) as { orders: OrderSummary[] };
      const exported = orders.filter((o) => o.done && o.stages.length >= 3 && receiver.spans.some((s) => s.traceId === o.traceId && s.name === 'order.lifecycle'));
      // Preferably a filled one with several partial fills: a stage that repeats must still have one slowest bar.
      const filled = exported.filter((o) => o.stage === 'filled');
      return filled.find((o) => o.stages.filter((stage) => stage.stage === 'partially_filled').length >= 2) ?? filled[0] ?? exported[0];
    }, 'a finished order whose trace was exported');
    expect(order.traceKept).toBe(true);
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
    await page.screenshot({ path: join(shots, 'waterfall.png') });
    await page.click('#wf-close');

    // Dark and light themes.
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    await page.fill('#search', '');
    await page.waitForTimeout(2500);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
    await page.click('#theme');
    expect(await page.getAttribute('html', 'data-theme')).toBe('light');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('highlights exactly one bar, the longest, when a stage repeats (three partial fills); asks for no alerts where alerting is not attached', async () => {
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
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
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
      await page.waitForTimeout(2500); // past one 2-s refresh
      expect(requested).toContain('/api/snapshot');
      expect(requested.filter((path) => path === '/api/alerts' || path === '/api/incidents')).toEqual([]);
      expect(await page.textContent('#alerts-note')).toContain('not attached');
    } finally {
      await context.close();
      await handle.shutdown();
    }
  }, 60_000);

  it("shows the instrumented exchange's health: rate-limit headroom, clock offset, every book, and a silent book turning zombie with its block", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${bot.url}/`);
    const venue = page.locator('#exchange-health-card .venue[data-exchange="binance"]');
    await venue.waitFor({ timeout: 15_000 });
    // The limits Binance's headers report, with their share used, and ccxt's own throttler.
    await venue.locator('tr[data-limit="request_weight_1m"] .meter').waitFor();
    await venue.locator('tr[data-limit="orders_10s"] .meter').waitFor({ timeout: 15_000 }); // once the bot has placed an order
    const limits = await venue.locator('.rate-limits tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-limit')));
    expect(limits).toEqual(expect.arrayContaining(['request_weight_1m', 'orders_10s', 'ccxt_throttler']));
    const usage = Number(await venue.locator('tr[data-limit="request_weight_1m"] .meter').getAttribute('aria-valuenow'));
    expect(usage).toBeGreaterThan(0);
    expect(usage).toBeLessThan(0.9);
    // ccxt's throttler is shown and never acted on: its meter never turns amber or red, whatever it reads.
    expect(await venue.locator('tr[data-limit="ccxt_throttler"] .meter').getAttribute('class')).toBe('meter ok');
    // The clock offset against the simulator's own clock: measured, and far from recvWindow/2.
    await page.waitForFunction(() => document.querySelector('.venue[data-exchange="binance"] .clock[data-clock-offset-ms]') !== null, undefined, { timeout: 15_000 });
    const offset = Number(await venue.locator('.clock').getAttribute('data-clock-offset-ms'));
    expect(Math.abs(offset)).toBeLessThan(1000);
    expect(await venue.locator('.clock').textContent()).toContain('halts at 5,000 ms');
    const books = await venue.locator('.books tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-symbol'), r.querySelector('.tag')?.textContent]));
    expect(books).toEqual([['BTC/USDT', 'live'], ['ETH/USDT', 'live'], ['SOL/USDT', 'live']]);

    // One book goes silent while the socket and the other books go on: a zombie, blocked alone.
    const silenced = await fetch(`${bot.control}/silent-symbol?symbol=BTCUSDT&millis=8000`, { method: 'POST' });
    expect(silenced.status).toBe(200);
    await venue.locator('tr[data-symbol="BTC/USDT"] .tag.zombie').waitFor({ timeout: 10_000 });
    expect(await venue.locator('tr[data-symbol="ETH/USDT"] .tag').textContent()).toBe('live');
    await venue.locator('.blocks li[data-block="book"]').waitFor({ timeout: 5_000 });
    expect(await venue.locator('.blocks li[data-block="book"]').textContent()).toContain('BTC/USDT');
    // And live again once it speaks.
    await venue.locator('tr[data-symbol="BTC/USDT"] .tag.live').waitFor({ timeout: 15_000 });

    // The clock meter shows the distance the governor judges: red past recvWindow / 2, green again after.
    expect(await venue.locator('.clock .meter').getAttribute('class')).toBe('meter ok');
    const skew = async (millis: number): Promise<void> => {
      expect((await fetch(`${bot.control}/clock-offset?millis=${millis}`, { method: 'POST' })).status).toBe(200);
    };
    await skew(6_000); // past the 5,000 ms it halts at, inside the recvWindow: signed requests still go
    try {
      await venue.locator('.clock .meter.alarm').waitFor({ timeout: 15_000 });
      expect(Number(await venue.locator('.clock .meter').getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(1);
    } finally {
      await skew(0);
    }
    await venue.locator('.clock .meter.ok').waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});

describe('the waterfall of orders whose trace was not kept', () => {
  it('draws every order from its stage times, and links to Jaeger only the orders whose trace was kept', async () => {
    const handle = await startTelemetry({
      serviceName: 'unkept-test',
      server: { port: 0 },
      dashboard: { jaegerUrl: 'http://127.0.0.1:16686' },
      orders: { keep: { slow: [], random: 0, keepAllBelowPerSecond: 0 } },
      env: {},
      runtimeMetrics: false,
    });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const unkept = handle.telemetry.orders.track({ exchange: 'sim', symbol: 'BTC-USD', side: 'buy', quantity: 1, price: 100, clientOrderId: 'routine-1' });
      unkept.riskChecked().sent().acknowledged({ exchangeOrderId: 'X-2' }).filled({ price: 100 });
      handle.telemetry.orders.track({ exchange: 'sim', symbol: 'BTC-USD', side: 'sell', quantity: 1, price: 100, clientOrderId: 'refused-1' }).sent().rejected('insufficient_balance');
      handle.telemetry.orders.track({ exchange: 'sim', symbol: 'BTC-USD', side: 'buy', quantity: 1, price: 100, clientOrderId: 'open-1' }).sent();
      const page = await browser.newPage();
      await page.goto(`${handle.url ?? ''}/`);
      const waterfall = async (id: string): Promise<{ stages: (string | null)[]; link: string; href: string | null }> => {
        const row = page.locator(`#orders tbody tr[data-correlation-id="${id}"]`);
        await row.waitFor({ timeout: 10_000 });
        await row.click();
        await page.locator('#waterfall[open]').waitFor();
        const stages = await page.locator('#wf-bars .bar-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stage')));
        const shown = { stages, link: (await page.textContent('#wf-link')) ?? '', href: await page.locator('#wf-link a').getAttribute('href', { timeout: 100 }).catch(() => null) };
        await page.click('#wf-close');
        return shown;
      };
      const routine = await waterfall('routine-1');
      expect(routine.stages).toEqual(['risk_checked', 'sent', 'acknowledged', 'filled']);
      expect(routine.link).toContain('not kept');
      expect(routine.href).toBeNull();
      const refused = await waterfall('refused-1');
      expect(refused.stages).toEqual(['sent', 'rejected']);
      const open = await waterfall('open-1');
      expect(open.stages).toEqual(['sent']);
      expect(open.link).toContain('decided when it ends');
      expect(open.href).toBeNull();
      expect(refused.href).toBe(`http://127.0.0.1:16686/trace/${handle.telemetry.orders.find('refused-1')?.traceId ?? ''}`);
    } finally {
      await browser.close();
      await handle.shutdown();
    }
  }, 60_000);
});
