import { type ChildProcess, spawn } from 'node:child_process';
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
}

export async function startBotProcess(args: readonly string[], env: Record<string, string> = {}): Promise<BotProcess> {
  // Each bot keeps its own incident history, so one test never sees another run's incidents.
  const incidents = join(await mkdtemp(join(tmpdir(), 'bot-incidents-')), 'incidents.jsonl');
  const child = spawn('npm', ['start', '--silent', '--', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', BOT_INCIDENTS_PATH: incidents, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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
  return { child, lines, exit, control, ...ready };
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
