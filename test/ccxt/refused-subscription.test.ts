import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../support/processes.js';

const root = resolve(import.meta.dirname, '../..');
const fixture = resolve(import.meta.dirname, 'fixtures/refused-subscription.ts');

/**
 * ccxt's trap: a refused user-data subscription also rejects a future nobody awaits, and plain
 * Node ends the process on that unhandled rejection (a bot's lifecycle handler would shut it
 * down). An instrumented exchange marks ccxt's futures handled; the caller still gets the error.
 */
describe('a refused user-data subscription', () => {
  it('ends a plain ccxt process with an unhandled rejection', async () => {
    const { code, output } = await run(resolve(root, 'node_modules/.bin/tsx'), [fixture, 'plain']);
    expect(output).toContain('{"caught":"InvalidNonce"}');
    expect(output).not.toContain('"survived":true');
    expect(code).not.toBe(0);
  }, 60_000);

  it('does not end an instrumented one: the caller catches InvalidNonce and nothing is left unhandled', async () => {
    const { code, output } = await run(resolve(root, 'node_modules/.bin/tsx'), [fixture, 'instrumented']);
    expect(output).toContain('{"caught":"InvalidNonce"}');
    expect(output).toContain('{"survived":true}');
    expect(code, output).toBe(0);
  }, 60_000);
});
