import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotObserver } from './bot-observer.js';
import { type BotCommand, BotUnderTest, EXAMPLE_BOT, EXAMPLE_EXCHANGE } from './bot-under-test.js';
import { runScenario, type ScenarioResult } from './chaos-runner.js';
import { FaultyCollector } from './faulty-collector.js';
import { ChaosProxy } from './proxy/chaos-proxy.js';
import type { ChaosProfile, ChaosScenario, ChaosTargets } from './scenario.js';
import { SCENARIOS } from './scenarios.js';

/** Options of {@link runChaos}. */
export interface RunChaosOptions {
  /** Scenario names to run, in catalogue order; all when omitted. */
  readonly scenarios?: readonly string[];
  /** `short` (CI) or `full`. Default `full`. */
  readonly profile?: ChaosProfile;
  /**
   * The bot to drill. Default: the example bot, started in `cwd` on the simulated exchange (its
   * own process) through the chaos proxy. `{proxy}` in the command (and the environment
   * variable TRADING_TELEMETRY_CHAOS_PROXY) is the proxy's URL when `upstream` is given.
   */
  readonly bot?: BotCommand;
  /** The exchange base the chaos proxy forwards your bot to (`http://127.0.0.1:8080`); no proxy when omitted with your own bot. */
  readonly upstream?: string;
  /** Where the bot command runs. Default the current directory. */
  readonly cwd?: string;
  /** Progress lines (one per scenario start and result). */
  readonly log?: (line: string) => void;
}

/** A whole chaos run: what ran, against what, and every scenario's result. */
export interface ChaosReport {
  readonly startedAt: string;
  readonly durationMillis: number;
  readonly profile: ChaosProfile;
  readonly bot: readonly string[];
  readonly passed: boolean;
  readonly scenarios: readonly ScenarioResult[];
  /** Exit code of the bot after SIGTERM at the end (0: it drained and stopped cleanly). */
  readonly botExitCode: number | null;
}

/** The scenarios `names` selects, or an error naming the unknown ones. */
export function selectScenarios(names: readonly string[] = []): ChaosScenario[] {
  const unknown = names.filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0) throw new Error(`unknown chaos scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return names.length === 0 ? [...SCENARIOS] : SCENARIOS.filter((s) => names.includes(s.name));
}

/** `command` with `{proxy}` replaced in each argument, and the proxy's URL in its environment. */
function throughProxy(command: BotCommand, proxyUrl: string): BotCommand {
  return { ...command, command: command.command.map((arg) => arg.replaceAll('{proxy}', proxyUrl)), env: { TRADING_TELEMETRY_CHAOS_PROXY: proxyUrl, ...command.env } };
}

/** POSTs a JSON body, as the proxy's control API takes it. */
async function postJson(url: string, body: Readonly<Record<string, string | number>>): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
}

async function post(url: string, params: Readonly<Record<string, string | number | boolean>>, headers: Record<string, string>): Promise<void> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  // Our server takes state changes as JSON only (a cross-site form post cannot send that).
  const response = await fetch(`${url}?${query.toString()}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}', signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
}

/**
 * Starts a collector stand-in and the bot (exporting to it, with its chaos routes on and a
 * 1 GiB heap, so memory pressure is reached in a second and leaves headroom), runs the scenarios
 * one after another, then stops the bot with SIGTERM and reports.
 */
export async function runChaos(options: RunChaosOptions = {}): Promise<ChaosReport> {
  const scenarios = selectScenarios(options.scenarios);
  const profile = options.profile ?? 'full';
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const cwd = options.cwd ?? process.cwd();
  const collector = await FaultyCollector.start();
  let bot: BotUnderTest | undefined;
  let exchange: BotUnderTest | undefined;
  let proxy: ChaosProxy | undefined;
  try {
    // The example bot trades on the simulator in its own process, through the proxy.
    if (options.bot === undefined) exchange = await BotUnderTest.start({ ...EXAMPLE_EXCHANGE, cwd });
    const upstream = options.upstream ?? exchange?.url;
    proxy = upstream === undefined ? undefined : await ChaosProxy.start({ upstream });
    const given = options.bot ?? { ...EXAMPLE_BOT, command: [...EXAMPLE_BOT.command, '--exchange', '{proxy}'] };
    const command = proxy === undefined ? given : throughProxy(given, proxy.url);
    const token = command.env?.TRADING_TELEMETRY_TOKEN ?? process.env.TRADING_TELEMETRY_TOKEN;
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    bot = await BotUnderTest.start({
      ...command,
      cwd: command.cwd ?? cwd,
      env: {
        TRADING_TELEMETRY_CHAOS: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
        // V8's heap limit counts the young generation too, and its default size differs by Node
        // version: 1024 MiB of old space is a 1072 MiB limit on Node 20 but 1216 MiB on Node 24,
        // where 84 % of it is all the old space there is. A 16 MiB semi-space makes it 1072 on each.
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=1024 --max-semi-space-size=16`.trim(),
        LOG_LEVEL: 'warn',
        // The example bot's incident history, fresh for this run (other bots ignore it).
        BOT_INCIDENTS_PATH: join(tmpdir(), `trading-telemetry-chaos-${process.pid}-${started}`, 'incidents.jsonl'),
        ...command.env,
      },
    });
    const running = bot;
    const control = exchange?.url ?? running.exchangeControl;
    const faults = proxy;
    const targets: ChaosTargets = {
      exchange: (path, params = {}) => post(`${control}${path}`, params, {}),
      proxy: (fault, body = {}) => (faults === undefined ? Promise.reject(new Error('this run has no chaos proxy: give the upstream exchange (--upstream)')) : postJson(`${faults.controlUrl}/${fault}`, body)),
      proxyCounts: () => Promise.resolve(faults?.faults.state().counts),
      bot: (path, params = {}) => post(`${running.url}${path}`, params, headers),
      collector,
      sleep: (millis) => new Promise((resolve) => setTimeout(resolve, millis)),
    };
    const observer = new BotObserver(running.url, token === undefined ? {} : { token });
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      if (running.exitCode !== undefined) throw new Error(`the bot exited (${String(running.exitCode)}) during the run`);
      log(`▶ ${scenario.name}: ${scenario.description}`);
      const result = await runScenario(scenario, targets, observer, { profile, ...(profile === 'short' ? { settleMillis: 6_000 } : {}) });
      results.push(result);
      log(`${result.passed ? '✔' : '✘'} ${scenario.name}: detected ${String(result.detectedAfterMillis ?? '—')} ms, recovered ${String(result.recoveredAfterMillis ?? '—')} ms, orders lost ${result.ordersLost}`);
    }
    const botExitCode = await running.stop();
    bot = undefined;
    return {
      startedAt: new Date(started).toISOString(),
      durationMillis: Date.now() - started,
      profile,
      bot: given.command,
      passed: results.every((r) => r.passed) && botExitCode === 0,
      scenarios: results,
      botExitCode,
    };
  } finally {
    await bot?.stop();
    await proxy?.close();
    await exchange?.stop();
    await collector.close();
  }
}
