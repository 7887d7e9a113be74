import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry, type TelemetryHandle } from 'trading-telemetry';

const root = resolve(import.meta.dirname, '../..');
const tsx = resolve(root, 'node_modules/.bin/tsx');
const cli = resolve(root, 'src/cli/main.ts');
const ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
const plain = (text: string): string => text.replace(ESCAPES, '');

function serve(port: number): Promise<TelemetryHandle> {
  return startTelemetry({ serviceName: 'watch-test', server: { port }, env: {}, runtimeMetrics: false, dashboard: { history: { resolutionSeconds: 0.2, retentionSeconds: 60 } } });
}

/**
 * `trading-telemetry watch` under a real pseudo-terminal (util-linux `script`), against a
 * real process: it draws, redraws from the stream, survives the process going away, and
 * Ctrl-C restores the terminal.
 */
describe('trading-telemetry watch, under a pseudo-terminal', () => {
  let handle: TelemetryHandle | undefined;
  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await handle?.shutdown();
  });

  it('redraws live, shows reconnecting while the process is gone, resumes, and Ctrl-C restores the screen', async () => {
    handle = await serve(0);
    const url = handle.url ?? '';
    const port = Number(new URL(url).port);
    const watcher = spawn('script', ['-qfec', `stty cols 100 rows 70; exec ${tsx} ${cli} watch ${url}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child = watcher;
    let output = '';
    watcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number>((done) => watcher.on('close', (code) => done(code ?? -1)));
    const seen = async (pattern: RegExp | string, from = 0): Promise<number> => {
      for (let waited = 0; waited < 20_000; waited += 50) {
        const at = typeof pattern === 'string' ? plain(output).indexOf(pattern, from) : plain(output).slice(from).search(pattern);
        if (at >= 0) return typeof pattern === 'string' ? at : from + at;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`never saw ${String(pattern)} in:\n${plain(output).slice(from)}`);
    };

    await seen('TRADING TELEMETRY · watch-test');
    expect(output).toContain('\x1b[?1049h'); // the alternate screen
    expect(output).toContain('\x1b[32m● HEALTHY'); // coloured: it is a terminal
    const frame = plain(output).split('╔').at(-1) ?? '';
    expect(frame.split(/\r?\n/)[0]).toHaveLength(99); // 100 columns minus the ╔ the split removed

    handle.telemetry.orders.for({ exchange: 'x', symbol: 'BTC-USD', side: 'buy' }).placed(42);
    const live = await seen(/placed 42 /);

    await handle.shutdown();
    handle = undefined;
    const gone = await seen('reconnecting…', live);

    handle = await serve(port);
    handle.telemetry.orders.for({ exchange: 'x', symbol: 'ETH-USD', side: 'sell' }).placed(5);
    const back = await seen(/placed 5 /, gone);
    await seen('live · Ctrl-C quits', back);

    watcher.stdin.write('\x03'); // Ctrl-C, through the terminal's line discipline
    expect(await exited).toBe(0);
    expect(output.lastIndexOf('\x1b[?1049l')).toBeGreaterThan(output.lastIndexOf('TRADING TELEMETRY')); // screen restored last
    child = undefined;
  }, 60_000);
});
