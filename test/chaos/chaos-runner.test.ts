import { afterEach, describe, expect, it } from 'vitest';
import type { BotObservation } from '../../src/chaos/bot-observer.js';
import { runScenario } from '../../src/chaos/chaos-runner.js';
import { detectionSignals } from '../../src/chaos/detection-signals.js';
import { FaultyCollector } from '../../src/chaos/faulty-collector.js';
import type { ChaosScenario, ChaosTargets } from '../../src/chaos/scenario.js';

const QUIET: BotObservation = {
  at: 0,
  reachable: true,
  firing: [],
  governor: 'normal',
  governorReason: null,
  ready: true,
  checks: {},
  orders: { placed: 0, partiallyFilled: 0, filled: 0, cancelled: 0, rejected: 0, expired: 0, active: 0 },
  openOrderStarts: [],
  telemetryDropped: 0,
  timedOutOrders: 0,
};

describe('a chaos scenario run', () => {
  let collector: FaultyCollector | undefined;
  afterEach(async () => collector?.close());

  it('names what held a slow recovery: the signal still pending and the governor’s reason', async () => {
    collector = await FaultyCollector.start();
    // A bot whose latency alert clears at the heal but whose governor an anomaly keeps throttled 600 ms longer.
    let phase: 'before' | 'fault' | 'healed' = 'before';
    let healedAt = 0;
    const observer = {
      observe: (): Promise<BotObservation> => {
        const at = Date.now();
        if (phase === 'fault') return Promise.resolve({ ...QUIET, at, firing: ['latency_spike'], governor: 'throttled', governorReason: 'latency_spike: p95 2500 ms' });
        if (phase === 'healed' && at - healedAt < 600) return Promise.resolve({ ...QUIET, at, firing: ['anomaly'], governor: 'throttled', governorReason: 'anomaly: latency_p95 2.5 vs 0.01 expected' });
        return Promise.resolve({ ...QUIET, at });
      },
    };
    const scenario: ChaosScenario = {
      name: 'latency_spike',
      description: 'slow answers',
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
      expect: { alerts: ['latency_spike'], governor: 'throttled', detectWithinMillis: 1000, recoverWithinMillis: 300 },
    };
    const targets: ChaosTargets = { exchange: () => Promise.resolve(), bot: () => Promise.resolve(), collector, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

    const result = await runScenario(scenario, targets, observer, { profile: 'short', pollMillis: 20, settleMillis: 0 });

    expect(result.detectedAfterMillis).not.toBeNull();
    expect(result.recoveredAfterMillis).toBeGreaterThanOrEqual(600);
    expect(result.failures.map((f) => f.expectation)).toEqual(['recover within 300 ms']);
    expect(result.failures[0]?.detail).toMatch(/^took \d+ ms \(last to clear: governor throttled \(anomaly: latency_p95 2\.5 vs 0\.01 expected\)\)$/);
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
