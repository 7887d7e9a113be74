import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Meter } from '@opentelemetry/api';
import { Instruments } from '../conventions.js';
import { TelemetryConfigError } from '../errors.js';
import type { CheckOutcome } from '../health/health-check.js';
import { observeInstrument } from '../metrics/observable.js';
import { redactSecrets } from '../secrets.js';
import type { TelemetryLogger } from '../telemetry-logger.js';
import type { Severity } from './alert-types.js';
import { readBoundedLines } from './bounded-lines.js';
import { IncidentBudget } from './incident-budget.js';
import { IncidentFile } from './incident-file.js';

/** What can happen: the kinds of incident. */
export const INCIDENT_KINDS = ['firing', 'resolved', 'acknowledged', 'escalated', 'errored', 'silenced', 'anomaly', 'governor'] as const;
/** What happened. */
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

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
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  readonly rule?: string | undefined;
  readonly severity?: Severity | undefined;
  readonly kind?: IncidentKind | undefined;
  readonly correlationId?: string | undefined;
  /** Newest first, at most this many. Default 100. */
  readonly limit?: number | undefined;
}

/** Options of {@link IncidentLog}. */
export interface IncidentLogOptions {
  /** The JSON-lines file. Its folder is created; the path must not be a directory or lie under a file. */
  readonly path: string;
  /** Rotate when the file passes this size, in bytes. Default 10 MiB. */
  readonly maxBytes?: number;
  /** Rotated files kept (`path.1` … `path.N`). Default 3. */
  readonly keepFiles?: number;
  /** Entries kept in memory for queries. Default 10000. */
  readonly memoryLimit?: number;
}

/** What the log reports to: self-metrics, the library logger, a clock. */
export interface IncidentLogDeps {
  readonly meter?: Meter;
  readonly logger?: TelemetryLogger;
  readonly now?: () => number;
}

/** A line longer than this is not an incident we wrote: skipped on load without being held. */
const MAX_LINE_BYTES = 64 * 1024;

function isIncident(value: unknown): value is Incident {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.at === 'number' && typeof v.kind === 'string' && (INCIDENT_KINDS as readonly string[]).includes(v.kind) && typeof v.rule === 'string' && typeof v.message === 'string';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The incident history: every firing, acknowledgement, escalation, resolution, silence and
 * governor transition, appended to a JSON-lines file (rotated by size) and kept in memory for
 * queries, secrets redacted. It survives restarts (`open()` reloads the files); a corrupted or
 * overlong line is skipped and counted, and a line torn by a crash cannot swallow the next one.
 *
 * Nothing is lost silently: a failed write is counted (`trading.alerts.incident_write_failures`),
 * the first is logged, and {@link health} turns degraded with the error; an unwritable folder at
 * start degrades the same way instead of crashing. One source (a kind for one rule) writes at
 * most 60 incidents a minute, so a flood cannot rotate the history away; the rest are counted
 * (`trading.alerts.incidents_suppressed{kind}`). Writes are queued and asynchronous: recording
 * never blocks the event loop; {@link durable} waits until what was recorded is on the device.
 */
export class IncidentLog {
  readonly #deps: IncidentLogDeps;
  readonly #memoryLimit: number;
  readonly #file: IncidentFile;
  readonly #budget = new IncidentBudget();
  readonly #suppressed = new Map<string, number>();
  #entries: Incident[] = [];
  #writes: Promise<void> = Promise.resolve();
  /** Writes recorded and not yet done: the file is released (synced, closed) when it drops to 0. */
  #queued = 0;
  #corrupted = 0;
  #failures = 0;
  #lastError: string | null;

  private constructor(options: IncidentLogOptions, deps: IncidentLogDeps, tornTail: boolean, unwritable: string | null) {
    this.#deps = deps;
    this.#memoryLimit = options.memoryLimit ?? 10_000;
    this.#file = new IncidentFile({ path: options.path, maxBytes: options.maxBytes ?? 10 * 1024 * 1024, keepFiles: options.keepFiles ?? 3, tornTail });
    this.#lastError = unwritable;
    const meter = deps.meter;
    if (meter !== undefined) {
      observeInstrument(meter, Instruments.incidentWriteFailures, (result) => result.observe(this.#failures));
      observeInstrument(meter, Instruments.incidentsSuppressed, (result) => {
        for (const kind of INCIDENT_KINDS) result.observe(this.#suppressed.get(kind) ?? 0, { kind });
      });
    }
  }

  /**
   * Opens (and creates) the log at `options.path`, reloading what earlier runs wrote.
   * @throws TelemetryConfigError when the path is a directory or lies under a regular file.
   */
  static async open(options: IncidentLogOptions, deps: IncidentLogDeps = {}): Promise<IncidentLog> {
    const { path } = options;
    const found = await stat(path).catch(() => undefined);
    if (found?.isDirectory() === true) {
      throw new TelemetryConfigError('incidents.path', `${path} is a directory: give the path of a file, e.g. ${join(path, 'incidents.jsonl')}`);
    }
    const unwritable = await IncidentLog.#prepare(path);
    if (unwritable !== null) deps.logger?.error({ path, error: unwritable }, `incident history cannot be written (${unwritable}): incidents are kept in memory only`);
    const keep = options.keepFiles ?? 3;
    const files = [...Array.from({ length: keep }, (_, i) => `${path}.${keep - i}`), path];
    const loaded: Incident[] = [];
    let corrupted = 0;
    let tornTail = false;
    const memoryLimit = options.memoryLimit ?? 10_000;
    for (const file of files) {
      // Only regular files hold a history (a device such as /dev/full reads forever).
      if ((await stat(file).catch(() => undefined))?.isFile() !== true) continue;
      const scan = await readBoundedLines(file, MAX_LINE_BYTES, (line) => {
        if (line.trim() === '') return;
        try {
          const parsed: unknown = JSON.parse(line);
          if (isIncident(parsed)) loaded.push(parsed);
          else corrupted++;
        } catch {
          corrupted++;
        }
        if (loaded.length > 2 * memoryLimit) loaded.splice(0, loaded.length - memoryLimit);
      });
      corrupted += scan.overlong;
      if (file === path) tornTail = scan.tornTail;
    }
    const log = new IncidentLog(options, deps, tornTail, unwritable);
    log.#entries = loaded;
    log.#corrupted = corrupted;
    log.#trim();
    return log;
  }

  /** Creates the folder and checks the file opens for appending: null, or why it cannot be written. */
  static async #prepare(path: string): Promise<string | null> {
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR' || code === 'EEXIST') throw new TelemetryConfigError('incidents.path', `${path} lies under a regular file (${code}): choose a path in a directory`);
      return errorText(error);
    }
    try {
      await (await open(path, 'a')).close();
      return null;
    } catch (error) {
      return errorText(error);
    }
  }

  /** Lines skipped on load because they were not valid incidents (or were overlong). */
  get corruptedLines(): number {
    return this.#corrupted;
  }

  /** Writes that failed so far. */
  get writeFailures(): number {
    return this.#failures;
  }

  /** Records `incident` (in memory at once, redacted; on disk asynchronously, within its source's budget). */
  record(given: Incident): void {
    const incident = redactSecrets(given);
    this.#entries.push(incident);
    this.#trim();
    if (!this.#budget.take(`${incident.kind}|${incident.rule}`, (this.#deps.now ?? Date.now)())) {
      const count = (this.#suppressed.get(incident.kind) ?? 0) + 1;
      this.#suppressed.set(incident.kind, count);
      if (count === 1) this.#deps.logger?.warn({ kind: incident.kind, rule: incident.rule }, `incident history: more than 60 ${incident.kind} incidents a minute for ${incident.rule}; the rest are counted, not written`);
      return;
    }
    const line = `${JSON.stringify(incident)}\n`;
    this.#queued++;
    this.#writes = this.#writes.then(() => this.#write(line));
  }

  /** Resolves when every recorded incident is written (or its write failed). */
  flushed(): Promise<void> {
    return this.#writes;
  }

  /**
   * Resolves once everything recorded so far is written and synced to the device: true, or
   * false when a write or the sync failed (the failure is counted and shown by {@link health}).
   * Routes that create incidents wait for it before they answer.
   */
  async durable(): Promise<boolean> {
    const failuresBefore = this.#failures;
    // The last write of a drained queue syncs and closes the file: this waits for that (and for a
    // sync that failed there, counted by #write).
    const synced = this.#writes.then(() => this.#file.release());
    this.#writes = synced.catch((error: unknown) => this.#failed(error));
    await this.#writes;
    return this.#lastError === null && this.#failures === failuresBefore;
  }

  /** The incident store as a health check: degraded while writes fail, with the error. */
  health(): CheckOutcome {
    if (this.#lastError === null) return 'healthy';
    return { status: 'degraded', reason: `incident history not written: ${this.#lastError} (${this.#failures} writes failed); incidents are kept in memory` };
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

  /** Writes the remaining queue and closes the file. */
  async close(): Promise<void> {
    await this.#writes;
    await this.#file.close();
  }

  async #write(line: string): Promise<void> {
    this.#queued--; // writes are serial: what is left is what waits behind this one
    try {
      await this.#file.append(line, false);
      if (this.#queued === 0) await this.#file.release();
      this.#lastError = null;
    } catch (error) {
      this.#failed(error);
    }
  }

  #failed(error: unknown): void {
    this.#failures++;
    this.#lastError = errorText(error);
    if (this.#failures === 1) this.#deps.logger?.error({ error: this.#lastError }, `incident history write failed: ${this.#lastError}; further failures are counted`);
  }

  #trim(): void {
    if (this.#entries.length > this.#memoryLimit) this.#entries.splice(0, this.#entries.length - this.#memoryLimit);
  }
}
