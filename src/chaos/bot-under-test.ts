import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How to start the bot the chaos runner drills. */
export interface BotCommand {
  /** Program and arguments. It must print one JSON line `{"ready":true,"url":…,"exchange":…}` on stdout. */
  readonly command: readonly string[];
  readonly cwd?: string;
  /** Added to the runner's own environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the ready line, ms. Default 60000. */
  readonly readyTimeoutMillis?: number;
}

/**
 * The example bot, as `npm start` runs it but without npm in between (npm dies on SIGTERM
 * instead of waiting for the bot to drain), on a free port. It keeps every order's trace: the
 * drills of the export path need spans going out all the time, where tail keeping exports one
 * now and then (an outage is then seen at the next kept order's export, docs/reliability.md).
 * Its daily loss limit is out of reach: the toy strategy pays fees and the spread, and its
 * daily-loss halt would stop trading in a drill for reasons of its own, not the fault's.
 */
export const EXAMPLE_BOT: BotCommand = { command: ['node_modules/.bin/tsx', 'examples/trading-bot/main.ts', '--port', '0', '--keep-traces', 'all', '--loss-limit', '1000000000'] };

/**
 * The simulated exchange on its own, on a free port (its ready line has `url`, no `exchange`):
 * the example bot trades on it through the chaos proxy (`--exchange <proxy>`).
 */
export const EXAMPLE_EXCHANGE: BotCommand = { command: ['node_modules/.bin/tsx', 'examples/simulated-exchange/main.ts', '--port', '0'] };

/** Sends `signal` to the child's whole process group; a group already gone is not an error. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: it has exited
  }
}

/** The url and exchange (the url when it names none) of a `{"ready":true,…}` line; undefined for any other line (logs, text). */
function readyLine(line: string): { url: string; exchange: string } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as { ready?: unknown; url?: unknown; exchange?: unknown };
    if (parsed.ready !== true || typeof parsed.url !== 'string') return undefined;
    return { url: parsed.url, exchange: typeof parsed.exchange === 'string' ? parsed.exchange : parsed.url };
  } catch {
    return undefined;
  }
}

/** A bot process the runner started (or the simulated exchange, started alike). */
export class BotUnderTest {
  readonly url: string;
  /** The exchange's control API base, e.g. `http://127.0.0.1:PORT` (its `/control/*` routes). */
  readonly exchangeControl: string;
  readonly #child: ChildProcess;
  readonly #exit: Promise<number | null>;
  #exitCode: number | null | undefined;

  private constructor(child: ChildProcess, exit: Promise<number | null>, url: string, exchange: string) {
    this.#child = child;
    this.#exit = exit;
    this.url = url;
    this.exchangeControl = exchange.replace(/^ws/, 'http').replace(/\/ws$/, '');
    void exit.then((code) => (this.#exitCode = code));
  }

  /** Starts `bot` and resolves once it printed its ready line. */
  static async start(bot: BotCommand): Promise<BotUnderTest> {
    const [program, ...args] = bot.command;
    if (program === undefined) throw new Error('the bot command is empty');
    // Its own process group, so stopping it reaches wrappers' children too (npm, sh, tsx).
    const child = spawn(program, args, { cwd: bot.cwd, env: { ...process.env, ...bot.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const exit = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
    // If the runner itself exits (Ctrl-C, a crash), the bot's group goes with it.
    const reap = (): void => signalGroup(child, 'SIGKILL');
    process.once('exit', reap);
    void exit.then(() => process.off('exit', reap));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const timeout = bot.readyTimeoutMillis ?? 60_000;
    const ready = await new Promise<{ url: string; exchange: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bot printed no ready line within ${timeout} ms:\n${stderr}`)), timeout);
      createInterface({ input: child.stdout }).on('line', (line) => {
        const parsed = readyLine(line);
        if (parsed === undefined) return;
        clearTimeout(timer);
        resolve(parsed);
      });
      void exit.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the bot exited (${String(code)}) before it was ready:\n${stderr}`));
      });
    }).catch((error: unknown) => {
      signalGroup(child, 'SIGKILL');
      throw error;
    });
    return new BotUnderTest(child, exit, ready.url, ready.exchange);
  }

  /** The exit code once it exited, undefined while it runs. */
  get exitCode(): number | null | undefined {
    return this.#exitCode;
  }

  /** SIGKILL of its whole process group, as a crash or the OOM killer would; resolves once it is gone. */
  async kill(): Promise<void> {
    if (this.#exitCode !== undefined) return;
    signalGroup(this.#child, 'SIGKILL');
    await this.#exit;
  }

  /**
   * SIGTERM, then SIGKILL of its process group after `graceMillis`; resolves with the exit code
   * (null when killed). The command should pass SIGTERM on to the bot (node and tsx do; npm does not).
   */
  async stop(graceMillis = 15_000): Promise<number | null> {
    if (this.#exitCode !== undefined) return this.#exitCode;
    // SIGTERM to the bot's own process only: wrappers such as tsx relay it, and a second copy
    // through the group would read as a second Ctrl-C (forced exit).
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => signalGroup(this.#child, 'SIGKILL'), graceMillis);
    const code = await this.#exit;
    clearTimeout(timer);
    signalGroup(this.#child, 'SIGKILL'); // anything a wrapper left behind
    return code;
  }
}
