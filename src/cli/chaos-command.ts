import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reliabilityMarkdown } from '../chaos/reliability-report.js';
import { runChaos, selectScenarios } from '../chaos/run-chaos.js';
import type { ChaosProfile } from '../chaos/scenario.js';
import { SCENARIOS } from '../chaos/scenarios.js';
import { CHAOS_PROXY_HELP, chaosProxyCommand, PROXY_USAGE } from './chaos-proxy-command.js';

const CHAOS_USAGE = 'trading-telemetry chaos [scenario…] [--short] [--out DIR] [--bot "COMMAND ARGS" [--upstream URL]]';

/** What `chaos --help` prints. */
export const CHAOS_HELP = `usage: ${CHAOS_USAGE}
       ${PROXY_USAGE}

Runs fault-injection drills against a bot and writes DIR/reliability-report.md and .json
(DIR defaults to chaos-report). Each scenario states the alerts, health and governor state it
expects; the run fails when one is missed.

  --short     the CI profile (shorter faults)
  --out DIR   where the report goes
  --bot CMD   the bot to drill: a command that starts it on a free port and prints one JSON line
              {"ready":true,"url":"http://127.0.0.1:PORT","exchange":"ws://127.0.0.1:PORT/ws"}
              where exchange is the simulated exchange (its /control API injects exchange faults).
              Default, inside the trading-telemetry repository: the example bot, trading on the
              simulated exchange (its own process) through the chaos proxy.
  --upstream URL  with --bot: the exchange base your bot trades on; the drills then put the chaos
              proxy in front of it, and {proxy} in CMD (and TRADING_TELEMETRY_CHAOS_PROXY) is the
              proxy's URL to point the bot at. The wire drills (rate_limit_storm, clock_skew,
              zombie_book, sequence_gap) need it.

The bot is started with TRADING_TELEMETRY_CHAOS=1, which makes startTelemetry serve /chaos/*
(event-loop stalls, heap pressure), and OTEL_EXPORTER_OTLP_ENDPOINT pointing at a collector
stand-in that the drills take down.

scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}

${CHAOS_PROXY_HELP}`;

/** The example bot's entry, relative to the repository root; only a clone of the repository has it. */
const EXAMPLE_ENTRY = 'examples/trading-bot/main.ts';

/** What `chaos` was asked to do. */
export interface ChaosArguments {
  readonly scenarios: readonly string[];
  readonly profile: ChaosProfile;
  readonly outDir: string;
  readonly bot: readonly string[] | undefined;
  readonly upstream: string | undefined;
}

/** Parses the arguments after `chaos`; throws with the usage on anything unknown. */
export function parseChaosArguments(argv: readonly string[]): ChaosArguments {
  const scenarios: string[] = [];
  let profile: ChaosProfile = 'full';
  let outDir = 'chaos-report';
  let bot: string[] | undefined;
  let upstream: string | undefined;
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
    else if (arg === '--upstream') upstream = value();
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\nusage: ${CHAOS_USAGE} (--help explains)`);
    else scenarios.push(arg);
  }
  selectScenarios(scenarios); // fails early on an unknown name
  if (upstream !== undefined && bot === undefined) throw new Error(`--upstream goes with --bot (the example bot has its own exchange)\nusage: ${CHAOS_USAGE}`);
  return { scenarios, profile, outDir, bot, upstream };
}

/** Runs the drills, writes reliability-report.md and .json into the out dir; resolves with the exit code. */
export async function chaosCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--proxy')) return chaosProxyCommand(argv.filter((arg) => arg !== '--proxy'));
  const args = parseChaosArguments(argv);
  if (args.bot === undefined && !existsSync(EXAMPLE_ENTRY)) {
    throw new Error(
      `no bot to drill: pass --bot "COMMAND ARGS", a command that starts your bot and prints {"ready":true,"url":…,"exchange":…} ` +
        `(trading-telemetry chaos --help). The default, the example bot (${EXAMPLE_ENTRY}), exists only in a clone of the trading-telemetry repository.`,
    );
  }
  // Ctrl-C ends the run through process exit, which stops the bot's process group.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const report = await runChaos({
    scenarios: args.scenarios,
    profile: args.profile,
    ...(args.bot === undefined ? {} : { bot: { command: args.bot } }),
    ...(args.upstream === undefined ? {} : { upstream: args.upstream }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  await mkdir(args.outDir, { recursive: true });
  const markdown = join(args.outDir, 'reliability-report.md');
  await writeFile(markdown, reliabilityMarkdown(report));
  await writeFile(join(args.outDir, 'reliability-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`\n${report.passed ? 'PASSED' : 'FAILED'}: report in ${markdown} (and .json)\n`);
  return report.passed ? 0 : 1;
}
