import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../support/processes.js';

const root = resolve(import.meta.dirname, '../..');
const example = resolve(root, 'examples/simulated-exchange/ccxt-quickstart.ts');

/** docs/simulated-exchange.md's ccxt snippet is the runnable example, and the example runs. */
describe('the ccxt quick start against the simulated exchange', () => {
  it('is what the docs show', async () => {
    const code = await readFile(example, 'utf8');
    const doc = await readFile(resolve(root, 'docs/simulated-exchange.md'), 'utf8');
    expect(doc).toContain(code.slice(code.indexOf('import ccxt')));
  });

  it('trades with the real ccxt and exits 0', async () => {
    const { code, output } = await run(resolve(root, 'node_modules/.bin/tsx'), [example]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/^quickstart-1 (open|closed): filled [\d.e-]+ BTC/m);
    expect(output).toMatch(/^weight used this minute: \d+$/m);
  }, 60_000);
});
