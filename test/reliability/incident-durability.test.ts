import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BotUnderTest } from '../../src/chaos/bot-under-test.js';

const root = resolve(import.meta.dirname, '../..');
const ROUNDS = 6;
const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * Every incident the API answered for survives kill -9: the routes that create incidents
 * answer only once the incident is written and synced. The process is killed at a random
 * moment while four clients create silences (and delete them again, to stay under the cap),
 * six times over one history file; then every answered silence must be in it.
 */
describe('incidents the API answered for survive kill -9', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it(`${ROUNDS} kills mid-write lose nothing that was answered`, async () => {
    dir = await mkdtemp(join(tmpdir(), 'incident-kill-'));
    const path = join(dir, 'incidents.jsonl');
    const answered = new Set<string>();
    let attempted = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const writer = await BotUnderTest.start({ command: ['node_modules/.bin/tsx', 'test/reliability/fixtures/incident-writer.ts'], cwd: root, env: { INCIDENTS_PATH: path } });
      let running = true;
      const client = async (lane: number): Promise<void> => {
        for (let i = 0; running; i++) {
          attempted++;
          try {
            const created = await fetch(`${writer.url}/api/silences`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ matchers: { rule: `r${round}-${lane}-${i}` }, comment: 'kill test' }) });
            if (created.status !== 201) continue;
            const silence = (await created.json()) as { id: string; persisted: boolean };
            if (silence.persisted) answered.add(silence.id);
            await fetch(`${writer.url}/api/silences/${silence.id}`, { method: 'DELETE', headers: JSON_TYPE, body: '{}' });
          } catch {
            return; // killed
          }
        }
      };
      const clients = [0, 1, 2, 3].map(client);
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
      await writer.kill();
      running = false;
      await Promise.all(clients);
    }
    const text = await readFile(path, 'utf8');
    const written = new Set([...text.matchAll(/silence ([0-9a-f-]{36}) for/g)].map((m) => m[1]));
    const lost = [...answered].filter((id) => !written.has(id));
    process.stdout.write(`incident durability: ${attempted} silences attempted over ${ROUNDS} kills, ${answered.size} answered as persisted, ${written.size} on disk, ${lost.length} answered and lost\n`);
    expect(answered.size).toBeGreaterThan(50);
    expect(lost).toEqual([]);
    // Every line parses: a line torn by a kill never swallows the next process's first incident.
    const lines = text.split('\n').filter(Boolean);
    const torn = lines.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(torn.length).toBeLessThanOrEqual(ROUNDS);
  }, 120_000);
});
