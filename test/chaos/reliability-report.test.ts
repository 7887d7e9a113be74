import { describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../src/chaos/chaos-runner.js';
import { reliabilityMarkdown } from '../../src/chaos/reliability-report.js';
import { parseChaosArguments } from '../../src/cli/chaos-command.js';

const failed: ScenarioResult = {
  name: 'exchange_disconnect',
  description: 'The exchange drops every connection.',
  passed: false,
  faultMillis: 8000,
  detectedAfterMillis: null,
  recoveredAfterMillis: 1800,
  signals: [{ signal: 'alert exchange_disconnected', seenAfterMillis: null }],
  alertsExpected: ['exchange_disconnected'],
  alertsFired: ['rejection_rate_spike'],
  alertsMissed: ['exchange_disconnected'],
  ordersPlaced: 80,
  fillsDuringFault: 0,
  ordersLost: 2,
  telemetryDropped: 0,
  unanswered: 0,
  failures: [{ expectation: 'alert exchange_disconnected', detail: 'not seen', recommendation: 'Lower its `for` duration.' }],
  refusals: { rateLimited: 0, banned: 0, rateLimitedOnceThrottled: null },
};

describe('the reliability report', () => {
  it('lists each failed expectation with its recommendation, and the missed alerts and lost orders in the table', () => {
    const markdown = reliabilityMarkdown({ startedAt: '2026-11-25T00:00:00.000Z', durationMillis: 30_000, profile: 'short', bot: ['bot'], passed: false, scenarios: [failed], botExitCode: 0 });
    expect(markdown).toContain('**FAILED**: 0 of 1 scenarios');
    expect(markdown).toContain('| exchange_disconnect | 8000 ms | — | 1800 ms | `rejection_rate_spike` | `exchange_disconnected` | 0 | 2 | 0 | **fail** |');
    expect(markdown).toContain('- **exchange_disconnect, alert exchange_disconnected** (not seen): Lower its `for` duration.');
    expect(markdown).toContain('- alert exchange_disconnected: never seen');
  });

  it('says how often the exchange refused for the rate, and how often once the governor throttled', () => {
    const storm: ScenarioResult = { ...failed, name: 'rate_limit_storm', refusals: { rateLimited: 4, banned: 0, rateLimitedOnceThrottled: 0 } };
    const markdown = reliabilityMarkdown({ startedAt: 'x', durationMillis: 1, profile: 'short', bot: ['bot'], passed: false, scenarios: [failed, storm], botExitCode: 0 });
    expect(markdown).toContain('Rate-limit refusals: 4 × 429 (0 once throttled), 0 × 418.');
    expect(markdown.match(/Rate-limit refusals/g)).toHaveLength(1);
  });

  it('names a bot that did not exit cleanly', () => {
    const markdown = reliabilityMarkdown({ startedAt: 'x', durationMillis: 1, profile: 'full', bot: ['bot'], passed: false, scenarios: [], botExitCode: 1 });
    expect(markdown).toContain('- **shutdown** (exit 1)');
  });
});

describe('trading-telemetry chaos arguments', () => {
  it('takes scenario names, --short, --out and --bot; refuses unknown ones with the catalogue', () => {
    expect(parseChaosArguments(['silent_feed', '--short', '--out', 'r', '--bot', 'node bot.js'])).toEqual({ scenarios: ['silent_feed'], profile: 'short', outDir: 'r', bot: ['node', 'bot.js'], upstream: undefined });
    expect(parseChaosArguments(['--bot', 'node bot.js --exchange {proxy}', '--upstream', 'http://127.0.0.1:8080'])).toMatchObject({ bot: ['node', 'bot.js', '--exchange', '{proxy}'], upstream: 'http://127.0.0.1:8080' });
    expect(() => parseChaosArguments(['--upstream', 'http://127.0.0.1:8080'])).toThrow(/--upstream goes with --bot/);
    expect(parseChaosArguments([])).toMatchObject({ scenarios: [], profile: 'full', outDir: 'chaos-report' });
    expect(() => parseChaosArguments(['earthquake'])).toThrow(/unknown chaos scenario earthquake; known: exchange_disconnect, /);
    expect(() => parseChaosArguments(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseChaosArguments(['--out'])).toThrow(/--out needs a value/);
  });
});
