import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reliabilityMarkdown } from '../chaos/reliability-report.js';
import { runChaos, selectScenarios } from '../chaos/run-chaos.js';
import type { ChaosProfile } from '../chaos/scenario.js';

export const CHAOS_USAGE = 'trading-telemetry chaos [scenario…] [--short] [--out DIR] [--bot "COMMAND ARGS"]';

/** What `chaos` was asked to do. */
export interface ChaosArguments {
  readonly scenarios: readonly string[];
  readonly profile: ChaosProfile;
  readonly outDir: string;
  readonly bot: readonly string[] | undefined;
}

/** Parses the arguments after `chaos`; throws with the usage on anything unknown. */
export function parseChaosArguments(argv: readonly string[]): ChaosArguments {
  const scenarios: string[] = [];
  let profile: ChaosProfile = 'full';
  let outDir = 'chaos-report';
  let bot: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\nusage: ${CHAOS_USAGE}`);
      return next;
    };
    if (arg === '--short') profile = 'short';
    else if (arg === '--out') outDir = value();
    else if (arg === '--bot') bot = value().split(/\s+/).filter(Boolean);
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\nusage: ${CHAOS_USAGE}`);
    else scenarios.push(arg);
  }
  selectScenarios(scenarios); // fails early on an unknown name
  return { scenarios, profile, outDir, bot };
}

/** Runs the drills, writes reliability-report.md and .json into the out dir; resolves with the exit code. */
export async function chaosCommand(argv: readonly string[]): Promise<number> {
  const args = parseChaosArguments(argv);
  // Ctrl-C ends the run through process exit, which stops the bot's process group.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const report = await runChaos({
    scenarios: args.scenarios,
    profile: args.profile,
    ...(args.bot === undefined ? {} : { bot: { command: args.bot } }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  await mkdir(args.outDir, { recursive: true });
  const markdown = join(args.outDir, 'reliability-report.md');
  await writeFile(markdown, reliabilityMarkdown(report));
  await writeFile(join(args.outDir, 'reliability-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`\n${report.passed ? 'PASSED' : 'FAILED'}: report in ${markdown} (and .json)\n`);
  return report.passed ? 0 : 1;
}
