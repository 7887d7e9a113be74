import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reliabilityMarkdown } from '../../src/chaos/reliability-report.js';
import { runChaos } from '../../src/chaos/run-chaos.js';
import { SCENARIOS } from '../../src/chaos/scenarios.js';

const root = resolve(import.meta.dirname, '../..');

describe('chaos drills (short profile) against the example bot', () => {
  it('every scenario is detected as it expects, recovers, loses no order; the report says so', async () => {
    const report = await runChaos({ profile: 'short', cwd: root });
    expect(report.scenarios.map((s) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
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
    expect(report.botExitCode).toBe(0);
    expect(report.passed).toBe(true);

    const markdown = reliabilityMarkdown(report);
    expect(markdown).toContain('**PASSED**: 8 of 8 scenarios');
    for (const s of SCENARIOS) expect(markdown).toContain(`| ${s.name} |`);
    expect(markdown).toContain('None: every expectation held.');
  }, 600_000);
});
