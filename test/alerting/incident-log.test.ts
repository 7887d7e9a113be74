import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Incident, IncidentLog } from 'trading-telemetry';

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
});
