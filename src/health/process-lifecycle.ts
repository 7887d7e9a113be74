import type { Meter } from '@opentelemetry/api';
import { Instruments } from '../conventions.js';
import { TelemetryConfigError } from '../errors.js';
import { traceFields } from '../logging/trace-fields.js';
import { describeValue } from '../metrics/describe-value.js';
import { observeInstrument } from '../metrics/observable.js';
import { bounded } from '../bounded.js';

/** Where the process is in its life. Readiness is only 200 in `ready`. */
export type LifecycleState = 'starting' | 'ready' | 'draining' | 'stopped';
const STATES: readonly LifecycleState[] = ['starting', 'ready', 'draining', 'stopped'];

/** The logger shape the lifecycle writes to; a pino logger fits. */
export interface LifecycleLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Options of {@link ProcessLifecycle}. */
export interface ProcessLifecycleOptions {
  /**
   * Time between readiness turning 503 and the shutdown hooks, in ms, so Kubernetes removes
   * the pod from its Service endpoints before connections close. Default 5000.
   */
  readonly drainDelayMillis?: number;
  /** Default bound of one shutdown hook, in ms. Default 5000. */
  readonly hookTimeoutMillis?: number;
  /** Flushes and stops telemetry (startTelemetry's `shutdown`, already bounded). Runs after the hooks. */
  readonly flush?: () => Promise<void>;
  /** What an uncaught exception or unhandled rejection does after it is logged: shut down gracefully (default) or keep running. */
  readonly onFatalError?: 'shutdown' | 'keep-running';
  readonly logger?: LifecycleLogger;
  /** Ends the process; `process.exit` by default. Tests pass their own. */
  readonly exit?: (code: number) => void;
}

interface Hook {
  readonly name: string;
  readonly run: () => unknown;
  readonly timeoutMillis: number;
}

const consoleLogger: LifecycleLogger = {
  info: (fields, message) => console.log(JSON.stringify({ level: 'info', msg: message, ...fields })),
  warn: (fields, message) => console.warn(JSON.stringify({ level: 'warn', msg: message, ...fields })),
  error: (fields, message) => console.error(JSON.stringify({ level: 'error', msg: message, ...fields })),
};

/**
 * The process lifecycle as an explicit state machine: starting → ready → draining → stopped.
 *
 * On SIGTERM or SIGINT readiness turns 503 at once (`draining`); after `drainDelayMillis` the
 * shutdown hooks run in registration order, each bounded by its timeout (cancel open orders,
 * close sockets); then telemetry is flushed within its bound and the process exits 0 (1 when
 * a hook failed or timed out). A second signal forces exit 1 at once. Uncaught exceptions and
 * unhandled rejections are logged with the active trace context, then handled per `onFatalError`.
 */
export class ProcessLifecycle {
  #state: LifecycleState = 'starting';
  readonly #hooks: Hook[] = [];
  readonly #options: ProcessLifecycleOptions;
  readonly #logger: LifecycleLogger;
  readonly #listeners: [string, (...args: unknown[]) => void][] = [];
  #shutdown: Promise<void> | undefined;

  constructor(options: ProcessLifecycleOptions = {}) {
    for (const key of ['drainDelayMillis', 'hookTimeoutMillis'] as const) {
      const value = options[key];
      if (value !== undefined && !(value >= 0)) throw new TelemetryConfigError(`lifecycle.${key}`, 'must be 0 or more ms');
    }
    this.#options = options;
    this.#logger = options.logger ?? consoleLogger;
  }

  get state(): LifecycleState {
    return this.#state;
  }

  /** Startup is over: readiness may answer 200. Ignored once shutting down. */
  markReady(): void {
    if (this.#state === 'starting') this.#transition('ready');
  }

  /** Adds a hook run at shutdown, after the drain delay, in registration order. */
  onShutdown(name: string, run: () => unknown, options: { readonly timeoutMillis?: number } = {}): this {
    this.#hooks.push({ name, run, timeoutMillis: options.timeoutMillis ?? this.#options.hookTimeoutMillis ?? 5000 });
    return this;
  }

  /** Exports the state as `trading.process.state{state}` (1 for the current state). */
  observe(meter: Meter): void {
    observeInstrument(meter, Instruments.lifecycleState, (result) => {
      for (const state of STATES) result.observe(state === this.#state ? 1 : 0, { state });
    });
  }

  /** Handles SIGTERM/SIGINT, uncaught exceptions and unhandled rejections. */
  installProcessHandlers(): this {
    const onSignal = (signal: unknown): void => {
      if (this.#shutdown !== undefined) {
        this.#logger.error({ signal }, 'second signal during shutdown: exiting now');
        this.#exit(1);
        return;
      }
      void this.shutdown(String(signal));
    };
    const onFatal = (kind: string) => (error: unknown): void => {
      const fields = { ...traceFields(), kind, err: error instanceof Error ? { message: error.message, stack: error.stack } : describeValue(error) };
      this.#logger.error(fields, `${kind}: ${error instanceof Error ? error.message : describeValue(error)}`);
      if ((this.#options.onFatalError ?? 'shutdown') === 'shutdown' && this.#shutdown === undefined) void this.shutdown(kind, 1);
    };
    this.#listen('SIGTERM', onSignal);
    this.#listen('SIGINT', onSignal);
    this.#listen('uncaughtException', onFatal('uncaughtException'));
    this.#listen('unhandledRejection', onFatal('unhandledRejection'));
    return this;
  }

  /** Removes the handlers {@link installProcessHandlers} added. */
  uninstallProcessHandlers(): void {
    for (const [event, listener] of this.#listeners.splice(0)) process.off(event, listener);
  }

  /** Drains, runs the hooks, flushes telemetry, stops, and exits. Idempotent. */
  shutdown(reason = 'requested', exitCode = 0): Promise<void> {
    this.#shutdown ??= this.#drainAndStop(reason, exitCode);
    return this.#shutdown;
  }

  async #drainAndStop(reason: string, exitCode: number): Promise<void> {
    this.#transition('draining');
    this.#logger.info({ reason, drainDelayMillis: this.#options.drainDelayMillis ?? 5000 }, 'shutting down: readiness is now 503');
    await new Promise((resolve) => setTimeout(resolve, this.#options.drainDelayMillis ?? 5000));
    let failed = false;
    for (const hook of this.#hooks) {
      const outcome = await bounded(() => Promise.resolve().then(hook.run), hook.timeoutMillis);
      if (outcome !== 'done') {
        failed = true;
        this.#logger.error({ hook: hook.name, outcome }, `shutdown hook ${hook.name} ${outcome === 'timeout' ? 'timed out' : 'failed'}`);
      }
    }
    if (this.#options.flush !== undefined) await this.#options.flush();
    this.#transition('stopped');
    this.#logger.info({ reason }, 'stopped');
    this.uninstallProcessHandlers();
    this.#exit(failed ? Math.max(1, exitCode) : exitCode);
  }

  #transition(state: LifecycleState): void {
    this.#state = state;
  }

  #exit(code: number): void {
    (this.#options.exit ?? ((c: number) => process.exit(c)))(code);
  }

  #listen(event: string, listener: (...args: unknown[]) => void): void {
    process.on(event, listener);
    this.#listeners.push([event, listener]);
  }
}
