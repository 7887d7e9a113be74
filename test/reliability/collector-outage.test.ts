import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BotUnderTest, EXAMPLE_BOT } from '../../src/chaos/bot-under-test.js';
import { FaultyCollector } from '../../src/chaos/faulty-collector.js';
import { sumSamples } from '../../src/chaos/prometheus-text.js';

const root = resolve(import.meta.dirname, '../..');
const PHASE_MILLIS = 20_000; // three failure phases: a minute of outage
/**
 * Documented in docs/reliability.md: the bot's RSS may grow at most this much through the outage.
 * V8's own heap sizing moves RSS by tens of MiB on Node 24 (+59.5 and +72.8 MiB measured; +16.6
 * to +45.6 on Node 20 and 26), so the span queue's bound is checked on its size as well.
 */
const RSS_GROWTH_BOUND = 96 * 1024 * 1024;
/** The span queue's default bound (otlp.maxQueueSize, OTEL_BSP_MAX_QUEUE_SIZE). */
const MAX_QUEUED_SPANS = 2048;
const sleep = (millis: number): Promise<void> => new Promise((r) => setTimeout(r, millis));

interface Sample {
  readonly placed: number;
  readonly filled: number;
  readonly marketMessages: number;
  readonly rss: number;
  /** Event-loop delay p99 since the previous scrape, in seconds. */
  readonly loopDelayP99: number;
  readonly offered: number;
  readonly exported: number;
  readonly queued: number;
  readonly dropped: Readonly<Record<'queue_full' | 'export_failed' | 'export_timeout' | 'shutdown', number>>;
}

async function scrape(url: string): Promise<Sample> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const traces = { signal: 'traces' };
  const dropped = (reason: string): number => sumSamples(text, 'trading_telemetry_dropped_total', { ...traces, reason });
  return {
    placed: sumSamples(text, 'trading_orders_total', { trading_order_status: 'placed' }),
    filled: sumSamples(text, 'trading_orders_total', { trading_order_status: 'filled' }),
    marketMessages: sumSamples(text, 'trading_market_data_messages_total'),
    rss: sumSamples(text, 'process_memory_usage'),
    loopDelayP99: sumSamples(text, 'nodejs_eventloop_delay_p99'),
    offered: sumSamples(text, 'trading_telemetry_export_offered_total', traces),
    exported: sumSamples(text, 'trading_telemetry_exported_total', traces),
    queued: sumSamples(text, 'trading_telemetry_export_queue_size', traces),
    dropped: { queue_full: dropped('queue_full'), export_failed: dropped('export_failed'), export_timeout: dropped('export_timeout'), shutdown: dropped('shutdown') },
  };
}

const droppedTotal = (s: Sample): number => s.dropped.queue_full + s.dropped.export_failed + s.dropped.export_timeout + s.dropped.shutdown;

describe('a minute of collector outage under a bot trading at 50 orders/s', () => {
  let bot: BotUnderTest | undefined;
  let collector: FaultyCollector | undefined;
  let incidents: string | undefined;
  afterAll(async () => {
    await bot?.stop(1000);
    await collector?.close();
    if (incidents !== undefined) await rm(incidents, { recursive: true, force: true });
  });

  it('keeps trading, bounds memory, counts every lost span, resumes export, and still shuts down in bounded time', async () => {
    collector = await FaultyCollector.start({ mode: 'down' });
    // An incident history of its own, so no earlier run's risk state carries over. EXAMPLE_BOT
    // keeps every order's trace, so spans go out all the time, and its loss limit is out of reach
    // (a halted bot would say nothing about what the outage does to trading).
    incidents = await mkdtemp(join(tmpdir(), 'collector-outage-'));
    bot = await BotUnderTest.start({
      command: [...EXAMPLE_BOT.command, '--rate', '50'],
      cwd: root,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_TIMEOUT: '1000', LOG_LEVEL: 'info', BOT_INCIDENTS_PATH: join(incidents, 'incidents.jsonl') },
    });
    await sleep(3000); // warm up: JIT, first GCs
    const start = await scrape(bot.url);
    let maxRss = start.rss;
    let maxLoopDelay = 0;
    const phases: Record<string, { before: Sample; after: Sample }> = {};
    for (const mode of ['down', 'hang', 'unavailable'] as const) {
      await collector.setMode(mode);
      const before = await scrape(bot.url);
      const until = Date.now() + PHASE_MILLIS;
      let after = before;
      while (Date.now() < until) {
        await sleep(1000);
        after = await scrape(bot.url);
        maxRss = Math.max(maxRss, after.rss);
        maxLoopDelay = Math.max(maxLoopDelay, after.loopDelayP99);
        // The books balance at every scrape: each span offered is exported, dropped with a reason, or queued.
        expect(after.offered).toBe(after.exported + droppedTotal(after) + after.queued);
        expect(after.queued).toBeLessThanOrEqual(MAX_QUEUED_SPANS);
      }
      phases[mode] = { before, after };
    }
    const outage = await scrape(bot.url);

    // Trading goes on through every phase: market data is taken in, and the event loop the trading
    // runs on is never held up by the failing exports. Orders go out and fill through the outage;
    // when, follows the simulated market, the account's balance and the bot's own risk controls
    // (the consecutive-loss throttle, the anomaly detector): a 20 s phase without a signal, or with
    // every order refused for funds, happens, so orders are counted over the whole minute.
    for (const [mode, { before, after }] of Object.entries(phases)) {
      expect(after.marketMessages - before.marketMessages, `market data taken in while the collector is ${mode}`).toBeGreaterThan(0);
    }
    expect(outage.placed - start.placed, 'orders placed during the outage').toBeGreaterThan(0);
    expect(outage.filled - start.filled, 'fills during the outage').toBeGreaterThan(0);
    expect(maxLoopDelay, 'event-loop delay p99 (s), worst scrape').toBeLessThan(0.25);
    expect(phases.down?.after.dropped.export_failed).toBeGreaterThan(0); // connection refused
    const hang = phases.hang;
    expect(hang && hang.after.dropped.export_timeout - hang.before.dropped.export_timeout).toBeGreaterThan(0);
    const unavailable = phases.unavailable;
    expect(unavailable && unavailable.after.dropped.export_failed - unavailable.before.dropped.export_failed).toBeGreaterThan(0);
    expect(outage.exported).toBe(0);
    expect(maxRss - start.rss).toBeLessThan(RSS_GROWTH_BOUND);
    const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
    process.stdout.write(
      `collector outage: ${outage.placed - start.placed} orders, ${outage.filled - start.filled} fills, event-loop p99 ≤ ${(maxLoopDelay * 1000).toFixed(1)} ms, RSS +${mib(maxRss - start.rss)} MiB (max), spans offered ${outage.offered - start.offered}, ` +
        `dropped ${droppedTotal(outage) - droppedTotal(start)} (${JSON.stringify(outage.dropped)} since start-up), collector saw and refused ${collector.counts().spansRefused}\n`,
    );
    // What the collector saw and never accepted was counted as dropped by the bot (the down phase adds drops it never saw).
    expect(collector.counts().spansRefused).toBeGreaterThan(0);
    expect(collector.counts().spansRefused).toBeLessThanOrEqual(outage.dropped.export_failed + outage.dropped.export_timeout);

    // The collector comes back: export resumes by itself, and both sides agree on what arrived.
    // Spans come from orders. Two CI runs exported nothing here: the bot had stopped placing
    // orders, its risk check blocking even those that would bring a position back under its limit
    // (since mended). It waits up to 45 s, and a failure says what the bot offered and placed.
    await collector.setMode('ok');
    let resumed = await scrape(bot.url);
    for (let i = 0; i < 90 && resumed.exported === 0; i++) {
      await sleep(500);
      resumed = await scrape(bot.url);
    }
    expect(resumed.exported, `spans exported once the collector was back (offered since: ${resumed.offered - outage.offered}, orders placed since: ${resumed.placed - outage.placed})`).toBeGreaterThan(0);
    const accepted = collector.counts().spansAccepted;
    const later = await scrape(bot.url);
    // Spans count as exported once the collector's answer is back, so the collector may be ahead by what is in flight.
    expect(accepted).toBeGreaterThanOrEqual(resumed.exported);
    expect(accepted).toBeLessThanOrEqual(later.exported);
    expect(later.offered).toBe(later.exported + droppedTotal(later) + later.queued);

    // A hanging collector at shutdown: SIGTERM still ends the process in bounded time, cleanly.
    await collector.setMode('hang');
    const stopping = Date.now();
    const code = await bot.stop(20_000);
    bot = undefined;
    expect(code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(12_000);
  }, 150_000);
});
