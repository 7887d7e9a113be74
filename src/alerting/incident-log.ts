import { createReadStream } from 'node:fs';
import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Severity } from './alert-types.js';

/** What happened. */
export type IncidentKind = 'firing' | 'resolved' | 'acknowledged' | 'escalated' | 'errored' | 'silenced' | 'anomaly' | 'governor';

/** One entry of the incident history. */
export interface Incident {
  /** Epoch ms. */
  readonly at: number;
  readonly kind: IncidentKind;
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly value?: number;
  readonly correlationId?: string;
  readonly traceId?: string;
  readonly by?: string;
}

/** A query over the history; every field narrows it. */
export interface IncidentQuery {
  readonly since?: number;
  readonly until?: number;
  readonly rule?: string;
  readonly severity?: Severity;
  readonly kind?: IncidentKind;
  readonly correlationId?: string;
  /** Newest first, at most this many. Default 100. */
  readonly limit?: number;
}

/** Options of {@link IncidentLog}. */
export interface IncidentLogOptions {
  /** The JSON-lines file. */
  readonly path: string;
  /** Rotate when the file passes this size, in bytes. Default 10 MiB. */
  readonly maxBytes?: number;
  /** Rotated files kept (`path.1` … `path.N`). Default 3. */
  readonly keepFiles?: number;
  /** Entries kept in memory for queries. Default 10000. */
  readonly memoryLimit?: number;
}

const KINDS: readonly string[] = ['firing', 'resolved', 'acknowledged', 'escalated', 'errored', 'silenced', 'anomaly', 'governor'];

function isIncident(value: unknown): value is Incident {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.at === 'number' && typeof v.kind === 'string' && KINDS.includes(v.kind) && typeof v.rule === 'string' && typeof v.message === 'string';
}

/**
 * The incident history: every firing, acknowledgement, escalation, resolution and governor
 * transition, appended to a JSON-lines file (rotated by size) and kept in memory for queries.
 * It survives restarts (`open()` reloads the files); a corrupted line is skipped and counted,
 * never fatal. Writes are queued and asynchronous: recording never blocks the event loop.
 */
export class IncidentLog {
  readonly #options: IncidentLogOptions;
  #entries: Incident[] = [];
  #writes: Promise<void> = Promise.resolve();
  #corrupted = 0;

  private constructor(options: IncidentLogOptions) {
    this.#options = options;
  }

  /** Opens (and creates) the log at `options.path`, reloading what earlier runs wrote. */
  static async open(options: IncidentLogOptions): Promise<IncidentLog> {
    const log = new IncidentLog(options);
    await mkdir(dirname(options.path), { recursive: true });
    const files = [...Array.from({ length: options.keepFiles ?? 3 }, (_, i) => `${options.path}.${(options.keepFiles ?? 3) - i}`), options.path];
    for (const file of files) await log.#load(file);
    log.#trim();
    return log;
  }

  /** Lines skipped on load because they were not valid incidents. */
  get corruptedLines(): number {
    return this.#corrupted;
  }

  /** Records `incident` (in memory at once, on disk asynchronously). */
  record(incident: Incident): void {
    this.#entries.push(incident);
    this.#trim();
    const line = `${JSON.stringify(incident)}\n`;
    this.#writes = this.#writes.then(() => this.#append(line)).catch(() => undefined);
  }

  /** Resolves when every recorded incident is on disk. */
  flushed(): Promise<void> {
    return this.#writes;
  }

  query(query: IncidentQuery = {}): Incident[] {
    const matches = this.#entries.filter(
      (i) =>
        (query.since === undefined || i.at >= query.since) &&
        (query.until === undefined || i.at <= query.until) &&
        (query.rule === undefined || i.rule === query.rule) &&
        (query.severity === undefined || i.severity === query.severity) &&
        (query.kind === undefined || i.kind === query.kind) &&
        (query.correlationId === undefined || i.correlationId === query.correlationId),
    );
    return matches.slice(-(query.limit ?? 100)).reverse();
  }

  async #append(line: string): Promise<void> {
    const path = this.#options.path;
    const size = await stat(path).then((s) => s.size, () => 0);
    if (size + line.length > (this.#options.maxBytes ?? 10 * 1024 * 1024)) await this.#rotate();
    await appendFile(path, line);
  }

  async #rotate(): Promise<void> {
    const path = this.#options.path;
    const keep = this.#options.keepFiles ?? 3;
    for (let i = keep - 1; i >= 1; i--) await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(() => undefined);
    await rename(path, `${path}.1`).catch(() => undefined);
  }

  async #load(file: string): Promise<void> {
    const exists = await stat(file).then(() => true, () => false);
    if (!exists) return;
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const parsed: unknown = JSON.parse(line);
        if (isIncident(parsed)) this.#entries.push(parsed);
        else this.#corrupted++;
      } catch {
        this.#corrupted++;
      }
    }
  }

  #trim(): void {
    const limit = this.#options.memoryLimit ?? 10_000;
    if (this.#entries.length > limit) this.#entries.splice(0, this.#entries.length - limit);
  }
}
