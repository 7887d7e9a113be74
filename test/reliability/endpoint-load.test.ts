import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { afterAll, describe, expect, it } from 'vitest';
import { BotUnderTest, EXAMPLE_BOT } from '../../src/chaos/bot-under-test.js';
import { sumSamples } from '../../src/chaos/prometheus-text.js';

const root = resolve(import.meta.dirname, '../..');
const WINDOW_SECONDS = 10;
/** Documented in docs/reliability.md. */
const EVENT_LOOP_P99_BOUND_SECONDS = 0.25;
const ACK_LATENCY_RATIO_BOUND = 3;
/** Requests per second on each endpoint: 200/s in all, a hundred times what Prometheus and a few dashboards ask. */
const RATE_PER_ENDPOINT = 50;
const ENDPOINTS = ['/metrics', '/health/ready', '/api/snapshot', '/api/orders?limit=50'];

interface Window {
  readonly ackCount: number;
  readonly ackSum: number;
  readonly placed: number;
}

async function read(url: string): Promise<Window & { loopP99: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const ack = { trading_order_stage: 'acknowledged' };
  return {
    ackCount: sumSamples(text, 'trading_order_stage_duration_count', ack),
    ackSum: sumSamples(text, 'trading_order_stage_duration_sum', ack),
    placed: sumSamples(text, 'trading_orders_total', { trading_order_status: 'placed' }),
    loopP99: sumSamples(text, 'nodejs_eventloop_delay_p99'),
  };
}

const sleep = (millis: number): Promise<void> => new Promise((r) => setTimeout(r, millis));

/** Mean acknowledgement latency (s) and orders placed over `seconds`, with the worst event-loop p99 seen. */
async function measure(url: string, seconds: number): Promise<{ meanAck: number; placed: number; worstLoopP99: number }> {
  const first = await read(url);
  let worstLoopP99 = 0;
  let last = first;
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    last = await read(url);
    worstLoopP99 = Math.max(worstLoopP99, last.loopP99);
  }
  return { meanAck: (last.ackSum - first.ackSum) / (last.ackCount - first.ackCount), placed: last.placed - first.placed, worstLoopP99 };
}

describe('the telemetry endpoints under 200 requests/s while the bot trades at 100 orders/s', () => {
  let bot: BotUnderTest | undefined;
  afterAll(async () => {
    await bot?.stop(1000);
  });

  it('answer every request, keep the event loop within bound, and barely touch order latency', async () => {
    bot = await BotUnderTest.start({ command: [...EXAMPLE_BOT.command, '--rate', '100'], cwd: root, env: { LOG_LEVEL: 'warn' } });
    const url = bot.url;
    await sleep(3000); // warm up
    const quiet = await measure(url, WINDOW_SECONDS);

    const load = Promise.all(ENDPOINTS.map((path) => autocannon({ url: `${url}${path}`, connections: 2, overallRate: RATE_PER_ENDPOINT, duration: WINDOW_SECONDS + 1 })));
    const loaded = await measure(url, WINDOW_SECONDS);
    const results = await load;

    for (const [i, result] of results.entries()) {
      const path = ENDPOINTS[i] ?? '';
      expect(result.errors + result.timeouts, `${path}: errors`).toBe(0);
      expect(result.non2xx, `${path}: non-2xx answers`).toBe(0);
      expect(result.requests.total, `${path}: requests served`).toBeGreaterThan(RATE_PER_ENDPOINT * WINDOW_SECONDS * 0.9);
    }
    expect(loaded.worstLoopP99).toBeLessThan(EVENT_LOOP_P99_BOUND_SECONDS);
    const ratio = loaded.meanAck / quiet.meanAck;
    expect(ratio).toBeLessThan(ACK_LATENCY_RATIO_BOUND);
    const perSecond = results.map((r, i) => `${ENDPOINTS[i] ?? ''} ${Math.round(r.requests.average)}/s p99 ${r.latency.p99} ms`).join(', ');
    process.stdout.write(
      `endpoint load: ${perSecond}; event-loop p99 worst ${(loaded.worstLoopP99 * 1000).toFixed(1)} ms (quiet ${(quiet.worstLoopP99 * 1000).toFixed(1)} ms); ` +
        `ack latency mean ${(quiet.meanAck * 1000).toFixed(1)} → ${(loaded.meanAck * 1000).toFixed(1)} ms (×${ratio.toFixed(2)}); orders ${quiet.placed} → ${loaded.placed}\n`,
    );
  }, 90_000);
});
