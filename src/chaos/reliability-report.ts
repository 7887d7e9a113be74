import type { ChaosReport } from './run-chaos.js';

const ms = (value: number | null): string => (value === null ? '—' : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value} ms`);
const list = (items: readonly string[]): string => (items.length === 0 ? '—' : items.map((i) => `\`${i}\``).join(', '));

/** The reliability report as Markdown: a summary table, then every failed expectation with its recommendation. */
export function reliabilityMarkdown(report: ChaosReport): string {
  const lines: string[] = [
    '# Reliability report',
    '',
    `${report.startedAt} · profile \`${report.profile}\` · ${(report.durationMillis / 1000).toFixed(0)} s · bot \`${report.bot.join(' ')}\``,
    '',
    `**${report.passed ? 'PASSED' : 'FAILED'}**: ${report.scenarios.filter((s) => s.passed).length} of ${report.scenarios.length} scenarios met every expectation; the bot exited ${String(report.botExitCode)} after SIGTERM.`,
    '',
    '| scenario | fault | time to detect | time to recover | alerts fired | alerts missed | fills during fault | orders lost | telemetry dropped | result |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of report.scenarios) {
    lines.push(
      `| ${s.name} | ${ms(s.faultMillis)} | ${ms(s.detectedAfterMillis)} | ${ms(s.recoveredAfterMillis)} | ${list(s.alertsFired)} | ${list(s.alertsMissed)} | ${s.fillsDuringFault} | ${s.ordersLost} | ${s.telemetryDropped} | ${s.passed ? 'pass' : '**fail**'} |`,
    );
  }
  const failed = report.scenarios.filter((s) => !s.passed);
  lines.push('', '## Recommendations', '');
  if (failed.length === 0 && report.botExitCode === 0) lines.push('None: every expectation held.');
  for (const s of failed) {
    for (const f of s.failures) lines.push(`- **${s.name}, ${f.expectation}** (${f.detail}): ${f.recommendation}`);
  }
  if (report.botExitCode !== 0) lines.push(`- **shutdown** (exit ${String(report.botExitCode)}): the bot did not stop cleanly after the drills; read its log for the hook that failed or timed out.`);
  lines.push('', '## Scenarios', '');
  for (const s of report.scenarios) {
    lines.push(`### ${s.name}`, '', s.description, '');
    lines.push(`Expected alerts: ${list(s.alertsExpected)}. Orders placed during the scenario: ${s.ordersPlaced}. Observations unanswered: ${s.unanswered}.`, '');
    const { rateLimited, banned, rateLimitedOnceThrottled } = s.refusals;
    if (rateLimited + banned > 0 || rateLimitedOnceThrottled !== null) {
      lines.push(`Rate-limit refusals: ${rateLimited} × 429 (${rateLimitedOnceThrottled === null ? 'never throttled' : `${rateLimitedOnceThrottled} once throttled`}), ${banned} × 418.`, '');
    }
    for (const signal of s.signals) lines.push(`- ${signal.signal}: ${signal.seenAfterMillis === null ? 'never seen' : `seen after ${ms(signal.seenAfterMillis)}`}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
