import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../support/otlp-receiver.js';

const root = resolve(import.meta.dirname, '../..');

interface Running {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly url: string;
  readonly exit: Promise<number | null>;
}

async function startApp(env: Record<string, string>): Promise<Running> {
  const child = spawn(resolve(root, 'node_modules/.bin/tsx'), [resolve(import.meta.dirname, 'fixtures/instrumented-app.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<number | null>((done) => child.once('exit', done));
  const lines: Record<string, unknown>[] = [];
  const url = await new Promise<string>((ready, fail) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      lines.push(parsed);
      if (parsed.ready === true) ready(String(parsed.url));
    });
    void exit.then((code) => fail(new Error(`exited ${String(code)} before ready`)));
  });
  return { child, lines, url, exit };
}

const status = async (url: string): Promise<number> => (await fetch(url)).status;

describe('graceful shutdown of a running instrumented app', () => {
  let receiver: OtlpReceiver | undefined;
  let app: Running | undefined;
  afterEach(async () => {
    app?.child.kill('SIGKILL');
    await receiver?.close();
  });

  it('SIGTERM: readiness 503 while liveness stays 200, hooks run in order, spans flushed, exit 0 within the bound', async () => {
    receiver = await OtlpReceiver.start();
    app = await startApp({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, DRAIN_MILLIS: '1500' });
    expect(await status(`${app.url}/health/ready`)).toBe(200);

    const signalledAt = performance.now();
    app.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(await status(`${app.url}/health/ready`)).toBe(503);
    expect(await status(`${app.url}/health/live`)).toBe(200);

    expect(await app.exit).toBe(0);
    const took = performance.now() - signalledAt;
    expect(took).toBeGreaterThanOrEqual(1400); // it really drained
    expect(took).toBeLessThan(10_000); // drain 1.5 s + hooks ≤ 2 × 1 s + flush ≤ 5 s
    expect(app.lines.filter((l) => l.hook !== undefined)).toEqual([
      { hook: 'cancel-open-orders', state: 'draining' },
      { hook: 'close-sockets' },
    ]);
    // The hook's span ended after the signal and was still exported before exit.
    expect(receiver.spans.map((s) => s.name)).toContain('cancel-open-orders');
    expect(receiver.spans.find((s) => s.name === 'cancel-open-orders')?.serviceName).toBe('shutdown-fixture');
  }, 30_000);

  it('no drain delay when no readiness probe was ever answered: nothing routes traffic by it', async () => {
    app = await startApp({ DRAIN_MILLIS: '20000' });
    const signalledAt = performance.now();
    app.child.kill('SIGTERM');
    expect(await app.exit).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(8_000);
    expect(app.lines.filter((l) => l.hook !== undefined)).toHaveLength(2); // the hooks still ran
  }, 30_000);

  it('a second signal forces exit at once, with code 1', async () => {
    app = await startApp({ DRAIN_MILLIS: '20000' });
    expect(await status(`${app.url}/health/ready`)).toBe(200); // probed: the shutdown drains for 20 s
    const signalledAt = performance.now();
    app.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    app.child.kill('SIGTERM');
    expect(await app.exit).toBe(1);
    expect(performance.now() - signalledAt).toBeLessThan(10_000);
  }, 30_000);
});
