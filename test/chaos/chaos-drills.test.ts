import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reliabilityMarkdown } from '../../src/chaos/reliability-report.js';
import { runChaos } from '../../src/chaos/run-chaos.js';
import { SCENARIOS } from '../../src/chaos/scenarios.js';
import { BinanceSimulator } from '../support/binance-simulator.js';

const root = resolve(import.meta.dirname, '../..');

describe('chaos drills (short profile) against the example bot', () => {
  it('every scenario is detected as it expects, recovers, loses no order; the report says so', async () => {
    const report = await runChaos({ profile: 'short', cwd: root });
    expect(report.scenarios.map((s) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
    // Printed, not asserted beyond the budgets: how much margin each drill had in this run.
    const margins = report.scenarios.map((result, i) => {
      const { detectWithinMillis, recoverWithinMillis } = SCENARIOS[i]?.expect ?? {};
      return `${result.name} ${String(result.detectedAfterMillis)}/${String(detectWithinMillis)} ${String(result.recoveredAfterMillis)}/${String(recoverWithinMillis)}`;
    });
    console.log(`chaos drills, detected/budget recovered/budget (ms): ${margins.join('; ')}`);
    for (const result of report.scenarios) {
      expect(result.failures, `${result.name}: ${JSON.stringify(result.failures, null, 2)}`).toEqual([]);
      expect(result.alertsMissed, result.name).toEqual([]);
      expect(result.ordersLost, result.name).toBe(0);
      expect(result.detectedAfterMillis, result.name).not.toBeNull();
      expect(result.recoveredAfterMillis, result.name).not.toBeNull();
    }
    const outage = report.scenarios.find((s) => s.name === 'collector_outage');
    expect(outage?.telemetryDropped).toBeGreaterThan(0);
    expect(outage?.fillsDuringFault).toBeGreaterThan(0);
    // The storm: the governor throttled before the exchange had to refuse, so no ban and no 429 after it.
    const storm = report.scenarios.find((s) => s.name === 'rate_limit_storm');
    expect(storm?.refusals.banned).toBe(0);
    expect(storm?.refusals.rateLimitedOnceThrottled).toBe(0);
    expect(report.botExitCode).toBe(0);
    expect(report.passed).toBe(true);

    const markdown = reliabilityMarkdown(report);
    expect(markdown).toContain(`**PASSED**: ${SCENARIOS.length} of ${SCENARIOS.length} scenarios`);
    for (const s of SCENARIOS) expect(markdown).toContain(`| ${s.name} |`);
    expect(markdown).toContain('None: every expectation held.');
  }, 600_000);
});

describe('a wire drill against your own bot, through the proxy the runner puts in front of its exchange', () => {
  it('points the bot at the proxy through {proxy} and TRADING_TELEMETRY_CHAOS_PROXY, and the fault reaches it', async () => {
    const simulator = await BinanceSimulator.start();
    try {
      const report = await runChaos({
        profile: 'short',
        cwd: root,
        scenarios: ['sequence_gap'],
        upstream: simulator.exchange.httpUrl,
        bot: { command: ['node_modules/.bin/tsx', 'examples/trading-bot/main.ts', '--port', '0', '--exchange', '{proxy}'] },
      });
      const [result] = report.scenarios;
      expect(result?.failures, JSON.stringify(result?.failures, null, 2)).toEqual([]);
      expect(result?.ordersLost).toBe(0);
      expect(report.passed).toBe(true);
    } finally {
      await simulator.close();
    }
  }, 180_000);
});
