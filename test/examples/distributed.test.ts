import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../support/otlp-receiver.js';

const root = resolve(import.meta.dirname, '../..');
const tsx = resolve(root, 'node_modules/.bin/tsx');

function start(script: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(tsx, [resolve(root, 'examples/distributed', script), ...args], {
    cwd: root,
    env: { ...process.env, ...env, OTEL_SERVICE_NAME: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function firstJsonLine(child: ChildProcess): Promise<{ url: string }> {
  return new Promise((resolveLine, reject) => {
    if (child.stdout === null) throw new Error('no stdout');
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('{"ready"')) resolveLine(JSON.parse(line) as { url: string });
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)} before ready`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolveExit) => child.once('exit', resolveExit));
}

describe('examples/distributed: strategy → execution gateway over HTTP', () => {
  const children: ChildProcess[] = [];
  let receiver: OtlpReceiver | undefined;
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    await receiver?.close();
  });

  it('one order is one trace across both processes, with correct parentage and the correlation id', async () => {
    receiver = await OtlpReceiver.start();
    const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    const gateway = start('gateway.ts', otlp);
    children.push(gateway);
    const { url } = await firstJsonLine(gateway);
    const strategy = start('strategy.ts', { ...otlp, GATEWAY_URL: url }, ['--orders', '3']);
    children.push(strategy);
    expect(await exited(strategy)).toBe(0);
    gateway.kill('SIGTERM');
    expect(await exited(gateway)).toBe(0);

    const spans = receiver.spans;
    const executions = spans.filter((s) => s.name === 'gateway.execute');
    expect(executions).toHaveLength(3);
    for (const execute of executions) {
      expect(execute.serviceName).toBe('execution-gateway');
      const submit = spans.find((s) => s.spanId === execute.parentSpanId);
      expect(submit?.name).toBe('gateway.submit');
      expect(submit?.serviceName).toBe('strategy');
      expect(submit?.traceId).toBe(execute.traceId);
      const lifecycle = spans.find((s) => s.spanId === submit?.parentSpanId);
      expect(lifecycle?.name).toBe('order.lifecycle');
      // The correlation id crossed the process boundary as baggage.
      expect(execute.attributes['trading.correlation_id']).toBe(lifecycle?.attributes['trading.correlation_id']);
      const sameTrace = spans.filter((s) => s.traceId === execute.traceId);
      expect(new Set(sameTrace.map((s) => s.serviceName))).toEqual(new Set(['strategy', 'execution-gateway']));
    }
    expect(new Set(executions.map((e) => e.traceId)).size).toBe(3);
  }, 60_000);
});
