import type { ChaosScenario, ChaosTargets } from './scenario.js';

const resetExchange = (t: ChaosTargets): Promise<void> => t.exchange('/control/reset');
const healBot = (t: ChaosTargets): Promise<void> => t.bot('/chaos/heal');
const resetProxy = (t: ChaosTargets): Promise<void> => t.proxy('reset');

/** The simulator's REQUEST_WEIGHT per minute, as its exchangeInfo publishes it (Binance's too). */
const WEIGHT_LIMIT = 6000;
/** The example bot's recvWindow: ccxt's binance sends `options.recvWindow`, 10 s by default (Binance's own default is 5 s), ms. */
const RECV_WINDOW = 10_000;

/**
 * The rate_limit_storm's window, sized to the fault: its request weight per second of it, and
 * how much the bot must spend past what others on its IP have spent when it starts to reach the
 * governor's 90 % (a few seconds, at its 1 to 8 weight a second). The last tenth (10 weight a
 * second of the fault) outlasts the fault for a bot throttled to an order a second: about 2.7
 * weight a second with its cancels, plus now and then a book snapshot (50) or a reconcile. A bot
 * honouring its headroom survives it (docs/reliability.md).
 */
const STORM = { weightPerSecond: 100, toThrottle: 6 };

/** The rate-limit-storm fault of a `faultMillis` drill: one window for the whole fault, so a 429's Retry-After ends with it. */
function stormWindow(faultMillis: number): { budget: number; usedAtStart: number; windowMillis: number } {
  const budget = Math.round((faultMillis / 1000) * STORM.weightPerSecond);
  return { budget, usedAtStart: Math.round(budget * 0.9) - STORM.toThrottle, windowMillis: faultMillis };
}

/** Raises the proxy's clock skew in steps to `maxMillis` over 9 s (or three quarters of a shorter fault), then holds it: a clock drifting away. */
async function driftClock(t: ChaosTargets, faultMillis: number, maxMillis: number): Promise<void> {
  const steps = Math.max(1, Math.floor(Math.min(9_000, faultMillis * 0.75) / 500));
  for (let step = 1; step <= steps; step++) {
    await t.proxy('clock-skew', { millis: Math.round((maxMillis * step) / steps) });
    await t.sleep(500);
  }
}

/**
 * The chaos scenarios, in the order `trading-telemetry chaos` runs them. Thresholds they
 * expect are the example bot's (docs/simulated-exchange.md): disconnected or stale for 5 s
 * fires, rejection rate above 30 %, acknowledgement p95 above 1 s, 5 s of orders without a fill,
 * a book silent for 3 s degrades the exchange check. The first five fault the simulated exchange
 * through its control API, the next four the wire through the chaos proxy, the last three the
 * collector and the bot itself.
 */
export const SCENARIOS: readonly ChaosScenario[] = [
  {
    name: 'exchange_disconnect',
    description: 'The exchange drops every connection and refuses new ones (an outage).',
    faultMillis: { short: 10_000, full: 30_000 },
    // Refused until healed: the outage ends when the scenario says, not on a timer.
    inject: (t, millis) => t.exchange('/control/outage', { millis: millis + 60_000 }),
    heal: resetExchange,
    // The alert's `for` (5 s in the example bot) starts at the first evaluation (1 s cadence) after
    // the disconnect is seen and ends at one: 5 to 7 s, plus a poll (7.5 s), and 1.5 s for a loaded
    // machine (7.0 s measured on Node 24 in CI). The fault outlasts the budget.
    expect: { alerts: ['exchange_disconnected'], checks: { 'exchange:binance': 'unhealthy' }, ready: false, governor: 'halted', detectWithinMillis: 9_000, recoverWithinMillis: 10_000 },
  },
  {
    name: 'silent_feed',
    description: 'The connection stays open but the exchange sends nothing: stale market data.',
    faultMillis: { short: 10_000, full: 30_000 },
    inject: (t, millis) => t.exchange('/control/silence', { millis: millis + 60_000 }),
    heal: resetExchange,
    // The alert fires at the first evaluation (1 s cadence) that finds the book over 5 s old: 5 to
    // 6 s, plus a poll (6.5 s), and 1.5 s for a loaded machine (5.8 s measured on an idle one).
    expect: { alerts: ['stale_market_data'], checks: { 'exchange:binance': 'degraded' }, governor: 'halted', detectWithinMillis: 8_000, recoverWithinMillis: 10_000 },
  },
  {
    name: 'latency_spike',
    description: 'Every order response is delayed by 2.5 s (a congested exchange gateway).',
    faultMillis: { short: 10_000, full: 30_000 },
    inject: (t) => t.exchange('/control/latency', { millis: 2_500 }),
    heal: resetExchange,
    // The first order sent into the fault is answered 2.5 s later, the next evaluation (1 s)
    // sees it, and the next poll the alert: 3.1–4.8 s here idle, 5.4 s on two busy cores.
    // Recovery: the answers still in flight (2.5 s), then the alert keeps firing 5 s: 7.6 s idle.
    expect: { alerts: ['latency_spike'], governor: 'throttled', tradingBefore: true, detectWithinMillis: 7_000, recoverWithinMillis: 15_000 },
  },
  {
    name: 'reject_burst',
    description: 'The exchange rejects the next 60 orders as rate limited.',
    faultMillis: { short: 8_000, full: 20_000 },
    inject: (t) => t.exchange('/control/reject-burst', { count: 60, reason: 'rate_limited' }),
    heal: resetExchange,
    // Each refusal is a 429 with Retry-After: 1, so the first one throttles the exchange to 1
    // order a second at once (the block). rejection_rate_spike judges the share of the orders
    // of the last 5 s: at the bot's 10 a second before the burst, one rejection a second takes
    // about 4 s to pass 30 %, plus an evaluation (1 s). A bot that trades less is seen sooner.
    expect: { alerts: ['rejection_rate_spike'], governor: 'throttled', blocks: [{ source: 'rate_limit', level: 'throttle' }], tradingBefore: true, detectWithinMillis: 7_000, recoverWithinMillis: 15_000 },
  },
  {
    name: 'fills_stopped',
    description: 'Orders are acknowledged and rest, but nothing fills (a frozen matching engine).',
    faultMillis: { short: 10_000, full: 30_000 },
    inject: (t) => t.exchange('/control/fills', { enabled: false }),
    heal: resetExchange,
    // 5 s of orders without a fill, judged at a 1-s evaluation, plus a poll; 5.8 s measured idle. The fault outlasts the budget.
    expect: { alerts: ['fills_stopped'], governor: 'halted', tradingBefore: true, detectWithinMillis: 8_000, recoverWithinMillis: 15_000 },
  },
  {
    name: 'rate_limit_storm',
    description: `Through the proxy, the bot's request weight shrinks to ${STORM.weightPerSecond} per second of the fault, others on its IP having spent all but ${STORM.toThrottle} of the 90 % the governor throttles at (its usage headers climb to the limit as it spends): past it 429 with Retry-After, and 418 for 3 s after 3 refusals.`,
    faultMillis: { short: 16_000, full: 45_000 },
    inject: (t, millis) => t.proxy('rate-limit-storm', { ...stormWindow(millis), limit: WEIGHT_LIMIT, banAfter: 3, banSeconds: 3 }),
    heal: resetProxy,
    expect: {
      alerts: ['rate_limit_headroom'],
      checks: { 'exchange:binance': 'degraded' },
      blocks: [{ source: 'rate_limit', level: 'throttle' }],
      noRefusalsOnceThrottled: true,
      metrics: [{ name: 'trading_exchange_rate_limit_usage', labels: { trading_rate_limit: 'request_weight_1m' }, atLeast: 0.9 }],
      // The headroom alert's 3 s at 80 % (the example bot's) after the storm's first answer; the
      // throttle once the bot spent 6 weight, which takes it up to 5 s when its strategy is quiet.
      detectWithinMillis: 10_000,
      recoverWithinMillis: 15_000,
    },
  },
  {
    name: 'clock_skew',
    description: `Through the proxy, the exchange's clock drifts ahead to 14 s over 9 s (serverTime, Date, event times); past the ${RECV_WINDOW} ms recvWindow signed requests are refused (-1021).`,
    faultMillis: { short: 12_000, full: 30_000 },
    inject: (t, millis) => driftClock(t, millis, 14_000),
    heal: resetProxy,
    expect: {
      alerts: ['clock_offset'],
      checks: { 'exchange:binance': 'unhealthy' },
      blocks: [{ source: 'clock', level: 'halt' }],
      metrics: [{ name: 'trading_exchange_clock_offset', atLeast: RECV_WINDOW / 2 / 1000 }],
      proxyActs: ['rewrittenTimes'],
      // Halted at half the recvWindow (about 3 s into the drift), before the drift reaches all of it (about 6.5 s) and orders are refused.
      detectWithinMillis: 6_000,
      recoverWithinMillis: 15_000,
    },
  },
  {
    name: 'zombie_book',
    description: 'Through the proxy, BTC/USDT goes silent while the socket and the other symbols go on (a zombie subscription).',
    faultMillis: { short: 10_000, full: 30_000 },
    inject: (t) => t.proxy('silent-symbol', { symbol: 'BTC/USDT' }),
    heal: resetProxy,
    expect: {
      alerts: ['zombie_order_book'],
      checks: { 'exchange:binance': 'degraded' },
      blocks: [{ source: 'book', level: 'halt', symbol: 'BTC/USDT' }],
      metrics: [
        { name: 'trading_order_book_silent', labels: { trading_symbol: 'BTC/USDT' }, atLeast: 1 },
      ],
      // The block is on BTC/USDT alone (the blocks expectation), and fills go on during the fault.
      // Which symbol fills within the 10 s is the strategy's choice: ETH/USDT alone filled no
      // order in one CI run on Node 26, so fills are judged over all symbols.
      tradingContinues: true,
      proxyActs: ['silencedMessages'],
      detectWithinMillis: 6_000,
      recoverWithinMillis: 10_000,
    },
  },
  {
    name: 'sequence_gap',
    description: 'Through the proxy, 5 of ETH/USDT’s depth events are dropped, each a gap in its update ids: the book must resync each time.',
    faultMillis: { short: 6_000, full: 20_000 },
    inject: (t) => t.proxy('skip-update-ids', { symbol: 'ETH/USDT', count: 5 }),
    heal: resetProxy,
    // Not the orderBookGaps alert: it judges 5 minutes, so it fires on this and stays firing past any recovery budget.
    expect: {
      metrics: [
        { name: 'trading_order_book_gaps_total', labels: { trading_symbol: 'ETH/USDT' }, rises: true },
        { name: 'trading_order_book_resyncs_total', labels: { trading_symbol: 'ETH/USDT' }, rises: true },
      ],
      tradingContinues: true,
      proxyActs: ['skippedDepthEvents'],
      detectWithinMillis: 5_000,
      recoverWithinMillis: 10_000,
    },
  },
  {
    name: 'collector_outage',
    description: 'The OTLP collector is down, then hangs, then answers 503, then 429: a quarter of the fault each.',
    faultMillis: { short: 12_000, full: 60_000 },
    inject: async (t, millis) => {
      for (const mode of ['down', 'hang', 'unavailable', 'throttled'] as const) {
        await t.collector.setMode(mode);
        await t.sleep(millis / 4);
      }
    },
    heal: (t) => t.collector.setMode('ok'),
    expect: { checks: { telemetry_export: 'degraded' }, tradingContinues: true, telemetryDrops: true, exportResumes: true, detectWithinMillis: 8_000, recoverWithinMillis: 15_000 },
  },
  {
    name: 'event_loop_stall',
    description: 'The bot’s event loop stalls for 400 ms every 600 ms (a runaway computation).',
    faultMillis: { short: 6_000, full: 20_000 },
    inject: (t) => t.bot('/chaos/stall', { millis: 400, every: 600 }),
    heal: healBot,
    expect: { checks: { event_loop: 'degraded' }, detectWithinMillis: 5_000, recoverWithinMillis: 15_000 },
  },
  {
    name: 'memory_pressure',
    description: 'The bot’s heap is filled to 84 % of its limit (a leak or an unbounded cache; the memory check degrades at 80 %).',
    // 8 s in the short profile: the fills it must see are the strategy's (one CI run saw none in 5 s).
    faultMillis: { short: 8_000, full: 20_000 },
    inject: (t) => t.bot('/chaos/heap', { share: 0.84 }),
    heal: healBot,
    expect: { checks: { memory: 'degraded' }, tradingContinues: true, detectWithinMillis: 8_000, recoverWithinMillis: 10_000 },
  },
];
