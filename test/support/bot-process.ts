import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '../..');

/** The example bot, started the way the README says (`npm start -- …`), as a child process. */
export interface BotProcess {
  readonly child: ChildProcess;
  /** Telemetry server base URL (dashboard, /metrics, /health). */
  readonly url: string;
  /** The exchange WebSocket URL (its control API is on the same port). */
  readonly exchange: string;
  /** Every JSON line the bot printed on stdout. */
  readonly lines: Record<string, unknown>[];
  readonly exit: Promise<number | null>;
  /** The simulated exchange's control API base, e.g. http://127.0.0.1:PORT/control. */
  readonly control: string;
  /**
   * Stops the whole process group (npm, its shell, tsx and the bot): SIGTERM for a graceful
   * shutdown, SIGKILL after `graceMillis`. Killing `child` alone would leave the bot running.
   */
  stop(graceMillis?: number): Promise<void>;
}

export async function startBotProcess(args: readonly string[], env: Record<string, string> = {}): Promise<BotProcess> {
  // Each bot keeps its own incident history, so one test never sees another run's incidents.
  const incidents = join(await mkdtemp(join(tmpdir(), 'bot-incidents-')), 'incidents.jsonl');
  const child = spawn('npm', ['start', '--silent', '--', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', BOT_INCIDENTS_PATH: incidents, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stop() reaches every process npm starts.
    detached: true,
  });
  const exit = new Promise<number | null>((done) => child.once('exit', done));
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = await new Promise<{ url: string; exchange: string }>((ok, fail) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      if (parsed.ready === true) ok({ url: String(parsed.url), exchange: String(parsed.exchange) });
    });
    void exit.then((code) => fail(new Error(`bot exited ${String(code)} before ready: ${stderr}`)));
  });
  const control = `${ready.exchange.replace(/^ws:/, 'http:').replace(/\/ws$/, '')}/control`;
  return { child, lines, exit, control, stop: (graceMillis) => stopGroup(child, graceMillis), ...ready };
}

/** Signals the process group led by `child`, and resolves once no process of it is left running. */
async function stopGroup(child: ChildProcess, graceMillis = 10_000): Promise<void> {
  const group = child.pid;
  if (group === undefined) return;
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-group, name);
    } catch {
      // ESRCH: the group is gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMillis;
  while (groupRunning(group) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (groupRunning(group)) signal('SIGKILL');
  await exited(child);
}

/** Whether a process of `group` still runs (zombies left to a parent that never reaps them do not count). */
function groupRunning(group: number): boolean {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') return true;
  }
  return false;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}
/** Polls `probe` until it returns a value, or fails after `timeoutMillis`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMillis = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMillis;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The value of the first sample of `name` whose labels include every `labels` pair. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

export { sumSamples as total } from '../../src/chaos/prometheus-text.js';
