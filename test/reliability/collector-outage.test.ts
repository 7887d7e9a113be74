import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BotUnderTest, EXAMPLE_BOT } from '../../src/chaos/bot-under-test.js';
import { FaultyCollector } from '../../src/chaos/faulty-collector.js';
import { sumSamples } from '../../src/chaos/prometheus-text.js';

const root = resolve(import.meta.dirname, '../..');
const PHASE_MILLIS = 20_000; // three failure phases: a minute of outage
/** Documented in docs/reliability.md: the bot's RSS may grow at most this much through the outage. */
const RSS_GROWTH_BOUND = 64 * 1024 * 1024;
const sleep = (millis: number): Promise<void> => new Promise((r) => setTimeout(r, millis));

interface Sample {
  readonly filled: number;
  readonly rss: number;
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
    filled: sumSamples(text, 'trading_orders_total', { trading_order_status: 'filled' }),
    rss: sumSamples(text, 'process_memory_usage'),
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
  afterAll(async () => {
    await bot?.stop(1000);
    await collector?.close();
  });

  it('keeps trading, bounds memory, counts every lost span, resumes export, and still shuts down in bounded time', async () => {
    collector = await FaultyCollector.start({ mode: 'down' });
    bot = await BotUnderTest.start({
      command: [...EXAMPLE_BOT.command, '--rate', '50'],
      cwd: root,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_TIMEOUT: '1000', LOG_LEVEL: 'info' },
    });
    await sleep(3000); // warm up: JIT, first GCs
    const start = await scrape(bot.url);
    let maxRss = start.rss;
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
        // The books balance at every scrape: each span offered is exported, dropped with a reason, or queued.
        expect(after.offered).toBe(after.exported + droppedTotal(after) + after.queued);
      }
      phases[mode] = { before, after };
    }
    const outage = await scrape(bot.url);

    for (const [mode, { before, after }] of Object.entries(phases)) {
      expect(after.filled - before.filled, `fills while the collector is ${mode}`).toBeGreaterThan(100);
    }
    expect(phases.down?.after.dropped.export_failed).toBeGreaterThan(0); // connection refused
    const hang = phases.hang;
    expect(hang && hang.after.dropped.export_timeout - hang.before.dropped.export_timeout).toBeGreaterThan(0);
    const unavailable = phases.unavailable;
    expect(unavailable && unavailable.after.dropped.export_failed - unavailable.before.dropped.export_failed).toBeGreaterThan(0);
    expect(outage.exported).toBe(0);
    expect(maxRss - start.rss).toBeLessThan(RSS_GROWTH_BOUND);
    const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
    process.stdout.write(
      `collector outage: ${outage.filled - start.filled} fills, RSS +${mib(maxRss - start.rss)} MiB (max), spans offered ${outage.offered - start.offered}, ` +
        `dropped ${droppedTotal(outage) - droppedTotal(start)} (${JSON.stringify(outage.dropped)} since start-up), collector saw and refused ${collector.counts().spansRefused}\n`,
    );
    // What the collector saw and never accepted was counted as dropped by the bot (the down phase adds drops it never saw).
    expect(collector.counts().spansRefused).toBeGreaterThan(0);
    expect(collector.counts().spansRefused).toBeLessThanOrEqual(outage.dropped.export_failed + outage.dropped.export_timeout);

    // The collector comes back: export resumes by itself, and both sides agree on what arrived.
    await collector.setMode('ok');
    let resumed = await scrape(bot.url);
    for (let i = 0; i < 30 && resumed.exported === 0; i++) {
      await sleep(500);
      resumed = await scrape(bot.url);
    }
    expect(resumed.exported).toBeGreaterThan(0);
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
