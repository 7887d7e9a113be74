import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
/** How long each storm lasts, and each quiet window it is compared with. */
const STORM_SECONDS = 12;

interface Window {
  readonly ackCount: number;
  readonly ackSum: number;
  readonly placed: number;
}

async function read(url: string): Promise<Window & { loopP99: number; governed: boolean }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const ack = { trading_order_stage: 'acknowledged' };
  return {
    ackCount: sumSamples(text, 'trading_order_stage_duration_count', ack),
    ackSum: sumSamples(text, 'trading_order_stage_duration_sum', ack),
    placed: sumSamples(text, 'trading_orders_total', { trading_order_status: 'placed' }),
    loopP99: sumSamples(text, 'nodejs_eventloop_delay_p99'),
    governed: sumSamples(text, 'trading_governor_state', { state: 'normal' }) !== 1,
  };
}

const sleep = (millis: number): Promise<void> => new Promise((r) => setTimeout(r, millis));

/**
 * Mean acknowledgement latency (s) and orders placed over `seconds`, with the worst event-loop
 * p99 seen and the seconds the governor was throttled or halted.
 */
async function measure(url: string, seconds: number): Promise<{ meanAck: number; acks: number; placed: number; worstLoopP99: number; governedSeconds: number }> {
  const first = await read(url);
  let worstLoopP99 = 0;
  let governedSeconds = 0;
  let last = first;
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    last = await read(url);
    worstLoopP99 = Math.max(worstLoopP99, last.loopP99);
    if (last.governed) governedSeconds++;
  }
  const acks = last.ackCount - first.ackCount;
  return { meanAck: (last.ackSum - first.ackSum) / acks, acks, placed: last.placed - first.placed, worstLoopP99, governedSeconds };
}

describe('the telemetry endpoints under load while the bot trades', () => {
  let bot: BotUnderTest | undefined;
  let incidents: string | undefined;
  afterAll(async () => {
    await bot?.stop(1000);
    if (incidents !== undefined) await rm(incidents, { recursive: true, force: true });
  });

  it('answer every request, keep the event loop within bound, and barely touch order latency', async () => {
    // Orders at 5 a second: the ack latency is what is compared, and needs no more. At --rate 100
    // the example bot once placed few orders after its first seconds (164 then 47 in the two
    // windows on Node 24; none acknowledged under load on Node 26), with no refusal and no
    // governor block: the signature of its risk check blocking even the orders that would reduce
    // a position past its limit (since mended; not re-measured at that rate). EXAMPLE_BOT's loss limit is out of reach and the bot has an
    // incident history of its own, so no alert halts it either.
    incidents = await mkdtemp(join(tmpdir(), 'endpoint-load-'));
    bot = await BotUnderTest.start({ command: [...EXAMPLE_BOT.command, '--rate', '5'], cwd: root, env: { LOG_LEVEL: 'warn', BOT_INCIDENTS_PATH: join(incidents, 'incidents.jsonl') } });
    const url = bot.url;
    await sleep(3000); // warm up
    const quiet = await measure(url, WINDOW_SECONDS);

    const load = Promise.all(ENDPOINTS.map((path) => autocannon({ url: `${url}${path}`, connections: 2, overallRate: RATE_PER_ENDPOINT, duration: WINDOW_SECONDS + 1 })));
    const loaded = await measure(url, WINDOW_SECONDS);
    const results = await load;
    // Quiet again: the strategy decides how many orders it places, so this tells load from drift.
    const after = await measure(url, WINDOW_SECONDS);

    for (const [i, result] of results.entries()) {
      const path = ENDPOINTS[i] ?? '';
      expect(result.errors + result.timeouts, `${path}: errors`).toBe(0);
      expect(result.non2xx, `${path}: non-2xx answers`).toBe(0);
      expect(result.requests.total, `${path}: requests served`).toBeGreaterThan(RATE_PER_ENDPOINT * WINDOW_SECONDS * 0.9);
    }
    expect(loaded.worstLoopP99).toBeLessThan(EVENT_LOOP_P99_BOUND_SECONDS);
    expect(quiet.acks, 'orders acknowledged in the quiet window').toBeGreaterThan(0);
    expect(loaded.acks, 'orders acknowledged under load').toBeGreaterThan(0);
    const ratio = loaded.meanAck / quiet.meanAck;
    expect(ratio).toBeLessThan(ACK_LATENCY_RATIO_BOUND);
    const perSecond = results.map((r, i) => `${ENDPOINTS[i] ?? ''} ${Math.round(r.requests.average)}/s p99 ${r.latency.p99} ms`).join(', ');
    process.stdout.write(
      `endpoint load: ${perSecond}; event-loop p99 worst ${(loaded.worstLoopP99 * 1000).toFixed(1)} ms (quiet ${(quiet.worstLoopP99 * 1000).toFixed(1)} ms); ` +
        `ack latency mean ${(quiet.meanAck * 1000).toFixed(1)} → ${(loaded.meanAck * 1000).toFixed(1)} ms (×${ratio.toFixed(2)}); ` +
        `orders quiet ${quiet.placed} → loaded ${loaded.placed} → quiet again ${after.placed} (governor throttled or halted ${quiet.governedSeconds} → ${loaded.governedSeconds} → ${after.governedSeconds} s)\n`,
    );
  }, 90_000);

  /** Orders placed and when, from one snapshot the process rendered (so the two agree, however late the answer). */
  async function placedAt(url: string): Promise<{ placed: number; at: number }> {
    const { snapshot } = (await (await fetch(`${url}/api/snapshot`)).json()) as { snapshot: { timestamp: number; orders: { placed: number } } };
    return { placed: snapshot.orders.placed, at: snapshot.timestamp };
  }

  /** Orders the process started per second over about `seconds`, by its own clock. */
  async function orderRate(url: string, seconds: number): Promise<number> {
    const first = await placedAt(url);
    await sleep(seconds * 1000);
    const last = await placedAt(url);
    return ((last.placed - first.placed) * 1000) / (last.at - first.at);
  }

  it.each([
    ['200 concurrent /metrics scrapers', [{ path: '/metrics', connections: 200 }]],
    ['a flood of /api/alerts and /api/incidents polls', [{ path: '/api/alerts', connections: 100 }, { path: '/api/incidents?limit=1000', connections: 100 }]],
  ])('a storm of %s leaves a paced trading loop at least 0.9 of its quiet order rate', async (what, storm) => {
    await bot?.stop(1000);
    // A loop that starts orders at a fixed pace: its order rate is its event loop's health, with no strategy noise.
    bot = await BotUnderTest.start({ command: ['node_modules/.bin/tsx', 'test/reliability/fixtures/paced-bot.ts'], cwd: root, env: { PACE_ORDERS_PER_SECOND: '50' } });
    const url = bot.url;
    await sleep(3000); // warm up
    const quiet = await orderRate(url, STORM_SECONDS);
    const load = Promise.all(storm.map(({ path, connections }) => autocannon({ url: `${url}${path}`, connections, duration: STORM_SECONDS + 1 })));
    const stormy = await orderRate(url, STORM_SECONDS);
    const live = performance.now();
    const liveStatus = (await fetch(`${url}/health/live`)).status;
    const liveMillis = performance.now() - live;
    const results = await load;
    const ratio = stormy / quiet;
    const served = results.map((r, i) => `${storm[i]?.path ?? ''} ${Math.round(r.requests.average)}/s (${r.non2xx} non-2xx)`).join(', ');
    process.stdout.write(`storm of ${what}: order start rate ${quiet.toFixed(2)} → ${stormy.toFixed(2)}/s (×${ratio.toFixed(2)}); served ${served}; /health/live ${liveStatus} in ${liveMillis.toFixed(0)} ms\n`);
    expect(liveStatus).toBe(200);
    expect(ratio).toBeGreaterThanOrEqual(0.9);
  }, 120_000);
});
