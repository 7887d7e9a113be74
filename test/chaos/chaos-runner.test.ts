import { afterEach, describe, expect, it } from 'vitest';
import type { BotObservation } from '../../src/chaos/bot-observer.js';
import { runScenario } from '../../src/chaos/chaos-runner.js';
import { detectionSignals } from '../../src/chaos/detection-signals.js';
import { FaultyCollector } from '../../src/chaos/faulty-collector.js';
import type { ChaosScenario, ChaosTargets } from '../../src/chaos/scenario.js';
import { SCENARIOS } from '../../src/chaos/scenarios.js';

const QUIET: BotObservation = {
  at: 0,
  reachable: true,
  firing: [],
  governor: 'normal',
  governorReason: null,
  blocks: [],
  ready: true,
  checks: {},
  orders: { placed: 0, partiallyFilled: 0, filled: 0, cancelled: 0, rejected: 0, expired: 0, active: 0 },
  openOrderStarts: [],
  telemetryDropped: 0,
  timedOutOrders: 0,
  metricsText: '',
};

/** Targets whose faults do nothing: the observer alone plays the bot. */
function idleTargets(collector: FaultyCollector): ChaosTargets {
  return {
    exchange: () => Promise.resolve(),
    bot: () => Promise.resolve(),
    proxy: () => Promise.resolve(),
    proxyCounts: () => Promise.resolve(undefined),
    collector,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

type Phase = 'before' | 'fault' | 'healed';

/** A 200 ms scenario whose inject and heal only move the phase the test's observer reads. */
function phasedScenario(name: string, expect: ChaosScenario['expect']): { scenario: ChaosScenario; phase: () => Phase; healedAt: () => number } {
  let phase: Phase = 'before';
  let healedAt = 0;
  const scenario: ChaosScenario = {
    name,
    description: name,
    faultMillis: { short: 200, full: 200 },
    inject: () => {
      phase = 'fault';
      return Promise.resolve();
    },
    heal: () => {
      phase = 'healed';
      healedAt = Date.now();
      return Promise.resolve();
    },
    expect,
  };
  return { scenario, phase: () => phase, healedAt: () => healedAt };
}

describe('a chaos scenario run', () => {
  let collector: FaultyCollector | undefined;
  afterEach(async () => collector?.close());

  it('names what held a slow recovery: the signal still pending and the governor’s reason', async () => {
    collector = await FaultyCollector.start();
    // A bot whose latency alert clears at the heal but whose governor an anomaly keeps throttled 600 ms longer.
    const { scenario, phase, healedAt } = phasedScenario('latency_spike', { alerts: ['latency_spike'], governor: 'throttled', detectWithinMillis: 1000, recoverWithinMillis: 300 });
    const observer = {
      observe: (): Promise<BotObservation> => {
        const at = Date.now();
        if (phase() === 'fault') return Promise.resolve({ ...QUIET, at, firing: ['latency_spike'], governor: 'throttled', governorReason: 'latency_spike: p95 2500 ms' });
        if (phase() === 'healed' && at - healedAt() < 600) return Promise.resolve({ ...QUIET, at, firing: ['anomaly'], governor: 'throttled', governorReason: 'anomaly: latency_p95 2.5 vs 0.01 expected' });
        return Promise.resolve({ ...QUIET, at });
      },
    };
    const targets = idleTargets(collector);

    const result = await runScenario(scenario, targets, observer, { profile: 'short', pollMillis: 20, settleMillis: 0 });

    expect(result.detectedAfterMillis).not.toBeNull();
    expect(result.recoveredAfterMillis).toBeGreaterThanOrEqual(600);
    expect(result.failures.map((f) => f.expectation)).toEqual(['recover within 300 ms']);
    expect(result.failures[0]?.detail).toMatch(/^took \d+ ms \(last to clear: governor throttled \(anomaly: latency_p95 2\.5 vs 0\.01 expected\)\)$/);
  });

  it('names when each signal showed in a slow detection', async () => {
    collector = await FaultyCollector.start();
    // The block shows at once, the alert (and the governor with it) 150 ms into the fault.
    const { scenario, phase } = phasedScenario('reject_burst', { alerts: ['rejection_rate_spike'], blocks: [{ source: 'rate_limit', level: 'throttle' }], detectWithinMillis: 100, recoverWithinMillis: 1000 });
    let injectedAt = 0;
    const blocks = [{ exchange: 'binance', level: 'throttle' as const, source: 'rate_limit', reason: 'rate limited (429) until its Retry-After ends' }];
    const observer = {
      observe: (): Promise<BotObservation> => {
        const at = Date.now();
        if (phase() !== 'fault') return Promise.resolve({ ...QUIET, at });
        if (injectedAt === 0) injectedAt = at;
        return Promise.resolve({ ...QUIET, at, blocks, firing: at - injectedAt >= 150 ? ['rejection_rate_spike'] : [] });
      },
    };

    const result = await runScenario(scenario, idleTargets(collector), observer, { profile: 'short', pollMillis: 20, settleMillis: 0 });

    const slow = result.failures.find((f) => f.expectation === 'detect within 100 ms');
    expect(slow?.detail).toMatch(/^took (\d+) ms \(block rate_limit throttle at \d+ ms, alert rejection_rate_spike at \1 ms\)$/);
  });
});

describe('a scenario that expects trading to go on', () => {
  let collector: FaultyCollector | undefined;
  afterEach(async () => collector?.close());

  it('says what the bot did instead of filling: orders placed, the governor and its blocks, polls unanswered', async () => {
    collector = await FaultyCollector.start();
    // During the fault the bot places 4 orders and fills none: its daily-loss alert halts it, and every other poll times out.
    const { scenario, phase } = phasedScenario('memory_pressure', { checks: { memory: 'degraded' }, tradingContinues: true, detectWithinMillis: 1000, recoverWithinMillis: 1000 });
    let polls = 0;
    const observer = {
      observe: (): Promise<BotObservation> => {
        const at = Date.now();
        if (phase() !== 'fault') return Promise.resolve({ ...QUIET, at, checks: { memory: 'healthy' } });
        if (polls++ % 2 === 1) return Promise.resolve({ ...QUIET, at, reachable: false });
        const blocks = [{ exchange: 'binance', symbol: 'BTC/USDT', level: 'halt' as const, source: 'book', reason: 'BTC/USDT silent' }];
        return Promise.resolve({ ...QUIET, at, checks: { memory: 'degraded' }, governor: 'halted', governorReason: 'daily_loss: -25,012 USDT', blocks, orders: { ...QUIET.orders, placed: 4, active: 4 } });
      },
    };
    const targets = idleTargets(collector);

    const result = await runScenario(scenario, targets, observer, { profile: 'short', pollMillis: 20, settleMillis: 0 });

    const failure = result.failures.find((f) => f.expectation === 'trading continues');
    expect(failure?.detail).toMatch(/^no fills during the fault \(4 order\(s\) placed, governor halted: daily_loss: -25,012 USDT, blocks: book halt BTC\/USDT, [1-9]\d* poll\(s\) unanswered\)$/);
  });
});

describe('a signal the fault never showed', () => {
  let collector: FaultyCollector | undefined;
  afterEach(async () => collector?.close());

  it('says what the bot did meanwhile: a latency alert cannot fire on a bot that placed no order', async () => {
    collector = await FaultyCollector.start();
    const { scenario, phase } = phasedScenario('latency_spike', { alerts: ['latency_spike'], detectWithinMillis: 1000, recoverWithinMillis: 1000 });
    const blocks = [{ exchange: 'binance', symbol: 'ETH/USDT', level: 'halt' as const, source: 'book', reason: 'ETH/USDT crossed' }];
    const observer = {
      observe: (): Promise<BotObservation> => Promise.resolve({ ...QUIET, at: Date.now(), ...(phase() === 'fault' ? { blocks } : {}) }),
    };

    const result = await runScenario(scenario, idleTargets(collector), observer, { profile: 'short', pollMillis: 20, settleMillis: 0 });

    const missed = result.failures.find((f) => f.expectation === 'alert latency_spike');
    expect(missed?.detail).toBe('not seen within 200 ms of fault and the recovery (0 order(s) placed, governor normal, blocks: book halt ETH/USDT, 0 poll(s) unanswered)');
  });
});

describe('a fault that shows only on orders (tradingBefore)', () => {
  let collector: FaultyCollector | undefined;
  afterEach(async () => collector?.close());
  const latencyExpectation = { alerts: ['latency_spike'], tradingBefore: true, detectWithinMillis: 1000, recoverWithinMillis: 1000 } as const;

  it('is not injected into a bot that places no order: the clean start fails and says so', async () => {
    collector = await FaultyCollector.start();
    const { scenario, phase } = phasedScenario('latency_spike', latencyExpectation);
    const observer = { observe: (): Promise<BotObservation> => Promise.resolve({ ...QUIET, at: Date.now(), orders: { ...QUIET.orders, placed: 7 } }) };

    const result = await runScenario(scenario, idleTargets(collector), observer, { profile: 'short', pollMillis: 20, settleMillis: 0, baselineTimeoutMillis: 300 });

    expect(result.failures[0]).toMatchObject({
      expectation: 'clean start',
      detail: 'the bot was not ready with every signal clear and trading within 300 ms (firing: none; no order placed in the last 2000 ms)',
      recommendation: expect.stringContaining('the bot placed none') as unknown,
    });
    // The runner went on to the fault only after the baseline gave up.
    expect(phase()).toBe('healed');
  });

  it('is injected as soon as the bot places an order', async () => {
    collector = await FaultyCollector.start();
    const { scenario, phase } = phasedScenario('latency_spike', latencyExpectation);
    let placed = 0;
    let placedAtInjection: number | undefined;
    const observer = {
      observe: (): Promise<BotObservation> => {
        if (phase() === 'before') placed++;
        else placedAtInjection ??= placed;
        const firing = phase() === 'fault' ? ['latency_spike'] : [];
        return Promise.resolve({ ...QUIET, at: Date.now(), firing, orders: { ...QUIET.orders, placed } });
      },
    };

    const result = await runScenario(scenario, idleTargets(collector), observer, { profile: 'short', pollMillis: 20, settleMillis: 0, baselineTimeoutMillis: 5000 });

    expect(result.failures).toEqual([]);
    // The first observation only sets the count; the second saw it rise.
    expect(placedAtInjection).toBe(2);
  });
});

describe('the governor signal of a scenario', () => {
  const at = (governorState: string, firing: string[]): BotObservation => ({ ...QUIET, governor: governorState, firing });
  const latencyGovernor = detectionSignals({ alerts: ['latency_spike'], governor: 'throttled', detectWithinMillis: 1000, recoverWithinMillis: 1000 }).find((s) => s.label === 'governor throttled');

  it('counts the governor as the fault’s while the fault’s alerts or an anomaly hold it', () => {
    expect(latencyGovernor?.seen(at('throttled', ['latency_spike']), QUIET)).toBe(true);
    expect(latencyGovernor?.cleared(at('throttled', ['anomaly']))).toBe(false);
    expect(latencyGovernor?.cleared(at('halted', ['latency_spike', 'fills_stopped']))).toBe(false);
    expect(latencyGovernor?.cleared({ ...at('unknown', []), reachable: false })).toBe(false);
  });

  it('lets a rule the fault does not own hold the governor without holding the recovery', () => {
    expect(latencyGovernor?.seen(at('throttled', ['consecutive_losses']), QUIET)).toBe(false); // not detection either
    expect(latencyGovernor?.cleared(at('throttled', ['consecutive_losses']))).toBe(true);
    expect(latencyGovernor?.cleared(at('normal', []))).toBe(true);
  });
});

describe('metric and proxy expectations', () => {
  const metrics = (text: string, at = 0): BotObservation => ({ ...QUIET, at, metricsText: text });
  const refusals = (n: number, banned = 0): string =>
    `trading_exchange_rate_limit_refusals_total{trading_exchange="binance",http_response_status_code="429"} ${n}\ntrading_exchange_rate_limit_refusals_total{trading_exchange="binance",http_response_status_code="418"} ${banned}\n`;

  it('a counter is seen once it rises over the baseline, and recovered once it has not risen for 1 s', () => {
    const [signal] = detectionSignals({ metrics: [{ name: 'trading_exchange_rate_limit_refusals_total', labels: { http_response_status_code: '429' }, rises: true }], detectWithinMillis: 1, recoverWithinMillis: 1 });
    expect(signal?.label).toBe('metric trading_exchange_rate_limit_refusals_total{http_response_status_code="429"} rises');
    expect(signal?.cleared(metrics(refusals(2), 0))).toBe(true); // the baseline
    expect(signal?.seen(metrics(refusals(2)), metrics(refusals(2)))).toBe(false);
    expect(signal?.seen(metrics(refusals(3)), metrics(refusals(2)))).toBe(true);
    expect(signal?.cleared(metrics(refusals(5), 100))).toBe(false);
    expect(signal?.cleared(metrics(refusals(5), 900))).toBe(false);
    expect(signal?.cleared(metrics(refusals(5), 1100))).toBe(true);
  });

  it('a gauge is seen at its level and recovered below it', () => {
    const [signal] = detectionSignals({ metrics: [{ name: 'trading_exchange_rate_limit_used', atLeast: 4800 }], detectWithinMillis: 1, recoverWithinMillis: 1 });
    expect(signal?.seen(metrics('trading_exchange_rate_limit_used{trading_rate_limit="request_weight_1m"} 5000\n'), QUIET)).toBe(true);
    expect(signal?.cleared(metrics('trading_exchange_rate_limit_used{trading_rate_limit="request_weight_1m"} 90\n'))).toBe(true);
  });

  it('a block is its own signal: seen at its level (or harder) on its symbol alone, cleared once none of its source is left', () => {
    const [signal] = detectionSignals({ blocks: [{ source: 'book', level: 'halt', symbol: 'BTC/USDT' }], detectWithinMillis: 1, recoverWithinMillis: 1 });
    const book = (symbol: string, level: 'throttle' | 'halt' = 'halt') => ({ exchange: 'binance', symbol, level, source: 'book', reason: `${symbol} silent` });
    const clock = { exchange: 'binance', level: 'halt' as const, source: 'clock', reason: 'clock 6 s ahead' };
    expect(signal?.label).toBe('block book halt on BTC/USDT only');
    // The governor's state stays normal: a block holds one exchange or symbol back, not the bot.
    expect(signal?.seen({ ...QUIET, blocks: [book('BTC/USDT')] }, QUIET)).toBe(true);
    expect(signal?.seen({ ...QUIET, blocks: [book('BTC/USDT'), clock] }, QUIET)).toBe(true);
    expect(signal?.seen({ ...QUIET, blocks: [book('BTC/USDT', 'throttle')] }, QUIET)).toBe(false);
    expect(signal?.seen({ ...QUIET, blocks: [book('BTC/USDT'), book('ETH/USDT')] }, QUIET)).toBe(false);
    expect(signal?.cleared({ ...QUIET, blocks: [clock] })).toBe(true);
    expect(signal?.cleared({ ...QUIET, blocks: [book('ETH/USDT')] })).toBe(false);
    expect(signal?.heldBy?.({ ...QUIET, blocks: [book('ETH/USDT')] })).toBe('ETH/USDT silent');
    const [throttle] = detectionSignals({ blocks: [{ source: 'clock', level: 'throttle' }], detectWithinMillis: 1, recoverWithinMillis: 1 });
    expect(throttle?.seen({ ...QUIET, blocks: [clock] }, QUIET)).toBe(true);
  });

  it('fails a drill whose fault never reached the proxy’s traffic, a 418, and 429s after the governor throttled', async () => {
    const collector = await FaultyCollector.start();
    try {
      const { scenario, phase } = phasedScenario('rate_limit_storm', { alerts: ['rate_limit_headroom'], blocks: [{ source: 'rate_limit', level: 'throttle' }], noRefusalsOnceThrottled: true, proxyActs: ['refusedRequests'], detectWithinMillis: 1000, recoverWithinMillis: 1000 });
      let refused = 0;
      const observer = {
        observe: (): Promise<BotObservation> => {
          if (phase() === 'fault') refused++;
          const governed = phase() === 'fault' ? { firing: ['rate_limit_headroom'], blocks: [{ exchange: 'binance', level: 'throttle' as const, source: 'rate_limit', reason: 'rate limit 93 % used' }] } : {};
          return Promise.resolve({ ...QUIET, at: Date.now(), ...governed, metricsText: refusals(refused, phase() === 'before' ? 0 : 1) });
        },
      };
      const counts = { delayed: 0, refusedRequests: 0, refusedTimestamps: 0, droppedConnections: 0, refusedConnections: 0, silencedMessages: 0, skippedDepthEvents: 0, rewrittenTimes: 0 };
      const targets: ChaosTargets = { ...idleTargets(collector), proxyCounts: () => Promise.resolve({ ...counts }) };
      const result = await runScenario(scenario, targets, observer, { profile: 'short', pollMillis: 20, settleMillis: 0 });
      expect(result.failures.map((f) => f.expectation)).toEqual(['proxy refusedRequests', 'no 418 ban', 'no 429 once throttled']);
      expect(result.refusals.banned).toBe(1);
      expect(result.refusals.rateLimited).toBe(refused);
      expect(result.refusals.rateLimitedOnceThrottled).toBeGreaterThan(0);
      expect(result.failures[2]?.detail).toMatch(/^the exchange refused \d+ more request\(s\) \(429\) after the governor throttled/);
    } finally {
      await collector.close();
    }
  });
});

describe('the scenario catalogue', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: its fault lasts at least its detection budget in both profiles, so a slow signal is timed, not missed', (_name, scenario) => {
    expect(scenario.faultMillis.short).toBeGreaterThanOrEqual(scenario.expect.detectWithinMillis);
    expect(scenario.faultMillis.full).toBeGreaterThanOrEqual(scenario.expect.detectWithinMillis);
  });
});
