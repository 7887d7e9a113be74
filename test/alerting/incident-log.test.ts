import { appendFile, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Incident } from 'trading-telemetry/alerting';
import { IncidentLog } from '../../src/alerting/incident-log.js';
import { TelemetryConfigError } from 'trading-telemetry';

const run = promisify(execFile);
const fixture = resolve(import.meta.dirname, '../fixtures/incident-log/open.ts');
const incident = (at: number, over: Partial<Incident> = {}): Incident => ({ at, kind: 'firing', rule: 'daily_loss_limit', severity: 'critical', message: `loss at ${at}`, ...over });

describe('IncidentLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'incidents-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('is still there after a restart on the same file', async () => {
    const path = join(dir, 'incidents.jsonl');
    const first = await IncidentLog.open({ path });
    first.record(incident(1));
    first.record(incident(2, { kind: 'acknowledged', by: 'alice', correlationId: 'cl-1' }));
    first.record(incident(3, { kind: 'resolved' }));
    await first.flushed();
    const second = await IncidentLog.open({ path });
    expect(second.query().map((i) => i.kind)).toEqual(['resolved', 'acknowledged', 'firing']);
    expect(second.query({ correlationId: 'cl-1' })).toEqual([incident(2, { kind: 'acknowledged', by: 'alice', correlationId: 'cl-1' })]);
    expect(second.query({ since: 2, until: 2 })).toHaveLength(1);
    expect(second.query({ kind: 'firing', severity: 'critical', rule: 'daily_loss_limit' })).toHaveLength(1);
  });

  it('skips and reports a corrupted line without crashing', async () => {
    const path = join(dir, 'incidents.jsonl');
    const log = await IncidentLog.open({ path });
    log.record(incident(1));
    await log.flushed();
    await appendFile(path, '{"at": 2, "kind": "firing", "rule": "x", "mess\n{not json at all}\n{"at":3,"kind":"exploded","rule":"x","message":"y"}\n');
    log.record(incident(4));
    await log.flushed();
    const reopened = await IncidentLog.open({ path });
    expect(reopened.corruptedLines).toBe(3);
    expect(reopened.query().map((i) => i.at)).toEqual([4, 1]);
  });

  it('rotates by size, keeping the configured number of files, and reloads across them', async () => {
    const path = join(dir, 'incidents.jsonl');
    const log = await IncidentLog.open({ path, maxBytes: 400, keepFiles: 2 });
    for (let i = 0; i < 20; i++) log.record(incident(i));
    await log.flushed();
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['incidents.jsonl', 'incidents.jsonl.1', 'incidents.jsonl.2']);
    const reopened = await IncidentLog.open({ path, maxBytes: 400, keepFiles: 2 });
    const kept = reopened.query({ limit: 100 }).map((i) => i.at);
    expect(kept[0]).toBe(19);
    expect(kept.length).toBeLessThan(20); // the oldest rotated away
  });

  /** A logger that keeps what the log reports. */
  function recorder(): { errors: string[]; warnings: string[]; logger: { info(): void; warn(f: object, m: string): void; error(f: object, m: string): void } } {
    const errors: string[] = [];
    const warnings: string[] = [];
    return { errors, warnings, logger: { info: () => undefined, warn: (_f, m) => void warnings.push(m), error: (_f, m) => void errors.push(m) } };
  }

  it('holds the file open only while writes are queued: no handle is left for the garbage collector to close', async () => {
    // From Node 26 on, a FileHandle the garbage collector closes is an uncaught error: a log
    // dropped without close() would take the bot down with it.
    const path = join(dir, 'incidents.jsonl');
    const openOnPath = async (): Promise<number> => {
      const fds = await readdir('/proc/self/fd');
      const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return targets.filter((t) => t === path).length;
    };
    const log = await IncidentLog.open({ path });
    for (let i = 0; i < 5; i++) log.record(incident(i));
    await log.flushed();
    expect(await openOnPath()).toBe(0);
    log.record(incident(5));
    expect(await log.durable()).toBe(true);
    expect(await openOnPath()).toBe(0);
    expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(6);
  });

  it('a write that fails is counted, logged once and shown as degraded health; the incident stays queryable', async () => {
    const { errors, logger } = recorder();
    const log = await IncidentLog.open({ path: '/dev/full' }, { logger }); // every write: ENOSPC
    expect(log.health()).toBe('healthy');
    log.record(incident(1));
    log.record(incident(2));
    expect(await log.durable()).toBe(false);
    expect(log.writeFailures).toBeGreaterThanOrEqual(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('ENOSPC');
    const health = log.health();
    expect(typeof health === 'object' ? [health.status, health.reason] : health).toEqual(['degraded', expect.stringContaining('ENOSPC') as string]);
    expect(log.query().map((i) => i.at)).toEqual([2, 1]);
  });

  it('an unwritable folder degrades instead of crashing, and says why at start', async () => {
    const { errors, logger } = recorder();
    const log = await IncidentLog.open({ path: '/sys/trading-telemetry-test/incidents.jsonl' }, { logger });
    log.record(incident(1));
    expect(await log.durable()).toBe(false);
    expect(errors[0]).toMatch(/incident history cannot be written \(E(PERM|ACCES)/);
    expect(log.health()).toMatchObject({ status: 'degraded' });
  });

  it('a path that is a directory, or lies under a regular file, is a TelemetryConfigError naming the option', async () => {
    await expect(IncidentLog.open({ path: dir })).rejects.toThrow(TelemetryConfigError);
    await expect(IncidentLog.open({ path: dir })).rejects.toThrow(/^incidents\.path: .* is a directory: give the path of a file/);
    const file = join(dir, 'plain-file');
    await writeFile(file, 'x');
    await expect(IncidentLog.open({ path: join(file, 'incidents.jsonl') })).rejects.toThrow(/^incidents\.path: .* lies under a regular file/);
  });

  it('a torn last line (a crash mid-write) does not swallow the first incident written after the restart', async () => {
    const path = join(dir, 'incidents.jsonl');
    await writeFile(path, `${JSON.stringify(incident(1))}\n{"at":2,"kind":"firing","ru`);
    const restarted = await IncidentLog.open({ path });
    restarted.record(incident(3));
    await restarted.durable();
    const reopened = await IncidentLog.open({ path });
    expect(reopened.query().map((i) => i.at)).toEqual([3, 1]);
    expect(reopened.corruptedLines).toBe(1);
    expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(3);
  });

  it('a 50 MB line is skipped without being held: opening allocates a small fraction of it', async () => {
    const path = join(dir, 'incidents.jsonl');
    await writeFile(path, `${JSON.stringify(incident(1))}\n${'x'.repeat(50 * 1024 * 1024)}\n${JSON.stringify(incident(2))}\n`);
    // In a Node of its own, so nothing else allocates meanwhile. The file is read into one reused
    // buffer: a reader that assembled the line, or allocated a buffer per chunk, grows by 50 MB or more.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture, path]);
    const opened = JSON.parse(stdout) as { at: number[]; corruptedLines: number; growthMiB: number };
    expect(opened).toMatchObject({ at: [2, 1], corruptedLines: 1 });
    expect(opened.growthMiB).toBeLessThan(8);
  });

  it('one noisy source writes at most 60 incidents a minute; the rest are counted, not written', async () => {
    const path = join(dir, 'incidents.jsonl');
    const { warnings, logger } = recorder();
    let now = 1_000_000;
    const log = await IncidentLog.open({ path }, { logger, now: () => now });
    for (let i = 0; i < 100; i++) log.record(incident(i, { kind: 'silenced', rule: '*' }));
    log.record(incident(100, { kind: 'firing', rule: 'daily_loss_limit' })); // another source is not held back
    await log.durable();
    const written = (await readFile(path, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Incident);
    expect(written.filter((i) => i.kind === 'silenced')).toHaveLength(60);
    expect(written.filter((i) => i.kind === 'firing')).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(log.query({ limit: 1000 })).toHaveLength(101); // all of them still in memory
    now += 60_000; // a minute later the source may write again
    log.record(incident(101, { kind: 'silenced', rule: '*' }));
    await log.durable();
    expect((await readFile(path, 'utf8')).split('\n').filter(Boolean)).toHaveLength(62);
  });
});
