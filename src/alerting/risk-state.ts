import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Meter } from '@opentelemetry/api';
import { Instruments } from '../conventions.js';
import type { CheckOutcome } from '../health/health-check.js';
import { observeInstrument } from '../metrics/observable.js';
import type { TelemetryLogger } from '../telemetry-logger.js';
import { type TradingDayOptions, tradingDayOf } from './trading-day.js';

/** What the rules read of the account's risk at each evaluation. */
export interface RiskView {
  /** The trading day now, `YYYY-MM-DD` (see TradingDayOptions). */
  readonly tradingDay: string;
  /** Total P&L when the trading day began (or when the process first saw this day). */
  readonly dayStartPnl: number;
  /** Total P&L since the trading day began. */
  readonly dailyPnl: number;
  /** The highest total P&L seen. */
  readonly highWaterMark: number;
  /** How far total P&L stands below its high-water mark; 0 at a new high. */
  readonly drawdown: number;
}

/** The persisted part. */
interface Saved {
  readonly tradingDay: string;
  readonly dayStartPnl: number;
  readonly highWaterMark: number;
}

function isSaved(value: unknown): value is Saved {
  const v = value as Partial<Saved> | null;
  return typeof v === 'object' && v !== null && typeof v.tradingDay === 'string' && Number.isFinite(v.dayStartPnl) && Number.isFinite(v.highWaterMark);
}

/** Options of {@link RiskState}. */
export interface RiskStateOptions {
  /** Where the state is kept: a JSON file, rewritten atomically (beside the incident history). None: memory only. */
  readonly path?: string;
  readonly tradingDay?: TradingDayOptions;
  readonly meter?: Meter;
  readonly logger?: TelemetryLogger;
  /** Writes are coalesced: at most one per this many ms (and the last on close). Default 1000. */
  readonly writeEveryMillis?: number;
}

/**
 * The day's starting P&L and the high-water mark, kept across restarts, so a bot that restarts
 * mid-day does not forgive the day's losses (a loss limit that took the P&L at start-up as the
 * day's start let a bot at −6000 fall to −10900 after a restart). Observed once per evaluation,
 * written atomically (a temp file, synced, renamed over) whenever it changes, at most once per
 * `writeEveryMillis`. A failed write is logged and shown by {@link health}; the state is kept in
 * memory meanwhile. Exported as `trading.pnl.daily`, `trading.pnl.high_water_mark` and
 * `trading.pnl.drawdown`.
 */
export class RiskState {
  readonly #options: RiskStateOptions;
  #saved: Saved | undefined;
  #view: RiskView | undefined;
  #dirty = false;
  #writing: Promise<void> = Promise.resolve();
  #lastWriteAt = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  #error: string | null = null;

  private constructor(options: RiskStateOptions, saved: Saved | undefined) {
    this.#options = options;
    this.#saved = saved;
    const meter = options.meter;
    if (meter !== undefined) {
      const observe = (read: (view: RiskView) => number) => (result: { observe(value: number): void }): void => {
        if (this.#view !== undefined) result.observe(read(this.#view));
      };
      observeInstrument(meter, Instruments.dailyPnl, observe((v) => v.dailyPnl));
      observeInstrument(meter, Instruments.highWaterMark, observe((v) => v.highWaterMark));
      observeInstrument(meter, Instruments.drawdown, observe((v) => v.drawdown));
    }
  }

  /** A state kept in memory only (an engine built without one). */
  static inMemory(tradingDay?: TradingDayOptions): RiskState {
    return new RiskState(tradingDay === undefined ? {} : { tradingDay }, undefined);
  }

  /** Opens the state at `options.path`: what an earlier run saved, or nothing yet. A corrupt file is logged and set aside. */
  static async open(options: RiskStateOptions): Promise<RiskState> {
    let saved: Saved | undefined;
    if (options.path === undefined) return new RiskState(options, undefined);
    try {
      const parsed: unknown = JSON.parse(await readFile(options.path, 'utf8'));
      if (isSaved(parsed)) saved = parsed;
      else options.logger?.error({ path: options.path }, 'risk state file holds no valid state; starting the day afresh');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') options.logger?.error({ path: options.path, error: String(error) }, 'risk state file unreadable; starting the day afresh');
    }
    return new RiskState(options, saved);
  }

  /** Folds in the total P&L at `now` and returns the view the rules read. */
  observe(now: number, pnlTotal: number): RiskView {
    const tradingDay = tradingDayOf(now, this.#options.tradingDay);
    const saved = this.#saved;
    const pnl = Number.isFinite(pnlTotal) ? pnlTotal : (saved?.dayStartPnl ?? 0);
    const next: Saved = {
      tradingDay,
      dayStartPnl: saved === undefined || saved.tradingDay !== tradingDay ? pnl : saved.dayStartPnl,
      highWaterMark: Math.max(saved?.highWaterMark ?? pnl, pnl),
    };
    if (saved === undefined || next.tradingDay !== saved.tradingDay || next.highWaterMark !== saved.highWaterMark) {
      this.#saved = next;
      this.#schedule();
    }
    this.#view = { ...next, dailyPnl: pnl - next.dayStartPnl, drawdown: next.highWaterMark - pnl };
    return this.#view;
  }

  /** The view of the latest evaluation, or undefined before the first. */
  view(): RiskView | undefined {
    return this.#view;
  }

  /** The state file as a health check: degraded while it cannot be written. */
  health(): CheckOutcome {
    return this.#error === null ? 'healthy' : { status: 'degraded', reason: `risk state not written: ${this.#error}; the day's start and the high-water mark would not survive a restart` };
  }

  /** Writes what is pending and stops. */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty) this.#writing = this.#writing.then(() => this.#write());
    await this.#writing;
  }

  #schedule(): void {
    if (this.#options.path === undefined) return;
    this.#dirty = true;
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastWriteAt + (this.#options.writeEveryMillis ?? 1000) - performance.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#writing = this.#writing.then(() => this.#write());
    }, wait);
    this.#timer.unref();
  }

  async #write(): Promise<void> {
    const saved = this.#saved;
    if (!this.#dirty || saved === undefined) return;
    this.#dirty = false;
    this.#lastWriteAt = performance.now();
    const path = this.#options.path ?? '';
    const temp = `${path}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(`${JSON.stringify(saved)}\n`);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
      this.#error = null;
    } catch (error) {
      const first = this.#error === null;
      this.#error = error instanceof Error ? error.message : String(error);
      this.#dirty = true;
      if (first) this.#options.logger?.error({ path, error: this.#error }, `risk state write failed: ${this.#error}`);
    }
  }
}
