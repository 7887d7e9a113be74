import type { ChaosScenario, ChaosTargets } from './scenario.js';

const resetExchange = (t: ChaosTargets): Promise<void> => t.exchange('/control/reset');
const healBot = (t: ChaosTargets): Promise<void> => t.bot('/chaos/heal');

/**
 * The chaos scenarios, in the order `trading-telemetry chaos` runs them. Thresholds they
 * expect are the example bot's (docs/simulated-exchange.md): disconnected or stale for 5 s
 * fires, rejection rate above 30 %, acknowledgement p95 above 1 s, 5 s of orders without a fill.
 */
export const SCENARIOS: readonly ChaosScenario[] = [
  {
    name: 'exchange_disconnect',
    description: 'The exchange drops every connection and refuses new ones (an outage).',
    faultMillis: { short: 8_000, full: 30_000 },
    // Refused until healed: the outage ends when the scenario says, not on a timer.
    inject: (t, millis) => t.exchange('/control/outage', { millis: millis + 60_000 }),
    heal: resetExchange,
    expect: { alerts: ['exchange_disconnected'], checks: { 'exchange:sim': 'unhealthy' }, ready: false, governor: 'halted', detectWithinMillis: 7_000, recoverWithinMillis: 10_000 },
  },
  {
    name: 'silent_feed',
    description: 'The connection stays open but the exchange sends nothing: stale market data.',
    faultMillis: { short: 8_000, full: 30_000 },
    inject: (t, millis) => t.exchange('/control/silence', { millis: millis + 60_000 }),
    heal: resetExchange,
    expect: { alerts: ['stale_market_data'], checks: { 'exchange:sim': 'degraded' }, governor: 'halted', detectWithinMillis: 7_000, recoverWithinMillis: 10_000 },
  },
  {
    name: 'latency_spike',
    description: 'Every order response is delayed by 2.5 s (a congested exchange gateway).',
    faultMillis: { short: 8_000, full: 30_000 },
    inject: (t) => t.exchange('/control/latency', { millis: 2_500 }),
    heal: resetExchange,
    expect: { alerts: ['latency_spike'], governor: 'throttled', detectWithinMillis: 6_000, recoverWithinMillis: 15_000 },
  },
  {
    name: 'reject_burst',
    description: 'The exchange rejects the next 60 orders as rate limited.',
    faultMillis: { short: 6_000, full: 20_000 },
    inject: (t) => t.exchange('/control/reject-burst', { count: 60, reason: 'rate_limited' }),
    heal: resetExchange,
    expect: { alerts: ['rejection_rate_spike'], governor: 'throttled', detectWithinMillis: 4_000, recoverWithinMillis: 15_000 },
  },
  {
    name: 'fills_stopped',
    description: 'Orders are acknowledged and rest, but nothing fills (a frozen matching engine).',
    faultMillis: { short: 8_000, full: 30_000 },
    inject: (t) => t.exchange('/control/fills', { enabled: false }),
    heal: resetExchange,
    expect: { alerts: ['fills_stopped'], governor: 'halted', detectWithinMillis: 8_000, recoverWithinMillis: 15_000 },
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
    faultMillis: { short: 5_000, full: 20_000 },
    inject: (t) => t.bot('/chaos/heap', { share: 0.84 }),
    heal: healBot,
    expect: { checks: { memory: 'degraded' }, tradingContinues: true, detectWithinMillis: 8_000, recoverWithinMillis: 10_000 },
  },
];
