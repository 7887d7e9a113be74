import type { Meter } from '@opentelemetry/api';
import { Instruments } from '../conventions.js';
import { traceFields } from '../logging/trace-fields.js';
import { describeValue } from '../metrics/describe-value.js';
import { observeInstrument } from '../metrics/observable.js';
import { bounded } from '../bounded.js';
import type { TelemetryLogger } from '../telemetry-logger.js';

/** Where the process is in its life. Readiness is only 200 in `ready`. */
export type LifecycleState = 'starting' | 'ready' | 'draining' | 'stopped';
const STATES: readonly LifecycleState[] = ['starting', 'ready', 'draining', 'stopped'];

/**
 * How the process becomes ready: `auto`, as soon as telemetry has started (what it needs is a
 * readiness health check), or `manual`, when the app calls `markReady()`.
 */
export type ReadinessMode = 'auto' | 'manual';

/** Options of {@link ProcessLifecycle}. */
export interface ProcessLifecycleOptions {
  /**
   * Time between readiness turning 503 and the shutdown hooks, in ms, so Kubernetes removes
   * the pod from its Service endpoints before connections close. Skipped when no readiness
   * probe was ever answered (nothing routes traffic by it). Default 5000.
   */
  readonly drainDelayMillis?: number;
  /** Default bound of one shutdown hook, in ms. Default 5000. */
  readonly hookTimeoutMillis?: number;
  /** Flushes and stops telemetry (startTelemetry's own teardown, already bounded). Runs after the hooks. */
  readonly teardown?: () => Promise<void>;
  /** What an uncaught exception or unhandled rejection does after it is logged: shut down gracefully (default) or keep running. */
  readonly onFatalError?: 'shutdown' | 'keep-running';
  readonly logger?: TelemetryLogger;
  /** Ends the process after a signal- or error-triggered shutdown; `process.exit` by default. Tests pass their own. */
  readonly exit?: (code: number) => void;
}

interface Hook {
  readonly name: string;
  readonly run: () => unknown;
  readonly timeoutMillis: number;
}

const consoleLogger: TelemetryLogger = {
  info: (fields, message) => console.log(JSON.stringify({ level: 'info', msg: message, ...fields })),
  warn: (fields, message) => console.warn(JSON.stringify({ level: 'warn', msg: message, ...fields })),
  error: (fields, message) => console.error(JSON.stringify({ level: 'error', msg: message, ...fields })),
};

/**
 * The process lifecycle as an explicit state machine: starting → ready → draining → stopped.
 *
 * `shutdown()` is the one way down: readiness turns 503 at once (`draining`); after
 * `drainDelayMillis` (when a readiness probe was ever answered) the shutdown hooks run in
 * registration order, each bounded by its timeout (cancel open orders, close sockets); then
 * telemetry is flushed and stopped within its bound (`stopped`). Called from code it resolves
 * when done and leaves the process to end by itself. With `installProcessHandlers()`, SIGTERM
 * and SIGINT call it and then exit 0 (1 when a hook failed or timed out); a second signal
 * forces exit 1 at once. Uncaught exceptions and unhandled rejections are logged with the
 * active trace context, then handled per `onFatalError`.
 */
export class ProcessLifecycle {
  #state: LifecycleState = 'starting';
  readonly #hooks: Hook[] = [];
  readonly #options: ProcessLifecycleOptions;
  readonly #logger: TelemetryLogger;
  readonly #listeners: [string, (...args: unknown[]) => void][] = [];
  #shutdown: Promise<void> | undefined;
  #exitCode = 0;
  #probed = false;

  constructor(options: ProcessLifecycleOptions = {}) {
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

  /** A readiness probe was answered: from now on something may route traffic by it, so shutdown drains first. */
  noteReadinessProbe(): void {
    this.#probed = true;
  }

  /** The exit code shutdown settled on: 0, or 1 when a hook failed or timed out (or a fatal error started it). */
  get exitCode(): number {
    return this.#exitCode;
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
      void this.shutdown(String(signal)).then(() => this.#exit(this.#exitCode));
    };
    const onFatal = (kind: string) => (error: unknown): void => {
      const fields = { ...traceFields(), kind, err: error instanceof Error ? { message: error.message, stack: error.stack } : describeValue(error) };
      this.#logger.error(fields, `${kind}: ${error instanceof Error ? error.message : describeValue(error)}`);
      if ((this.#options.onFatalError ?? 'shutdown') === 'shutdown' && this.#shutdown === undefined) {
        void this.shutdown(kind, 1).then(() => this.#exit(this.#exitCode));
      }
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

  /** Drains, runs the hooks, flushes and stops telemetry. Idempotent; never rejects. */
  shutdown(reason = 'requested', exitCode = 0): Promise<void> {
    this.#shutdown ??= this.#drainAndStop(reason, exitCode);
    return this.#shutdown;
  }

  async #drainAndStop(reason: string, exitCode: number): Promise<void> {
    this.#transition('draining');
    const drainDelayMillis = this.#probed ? (this.#options.drainDelayMillis ?? 5000) : 0;
    this.#logger.info({ reason, drainDelayMillis }, 'shutting down: readiness is now 503');
    if (drainDelayMillis > 0) await new Promise((resolve) => setTimeout(resolve, drainDelayMillis));
    let failed = false;
    for (const hook of this.#hooks) {
      const outcome = await bounded(() => Promise.resolve().then(hook.run), hook.timeoutMillis);
      if (outcome !== 'done') {
        failed = true;
        this.#logger.error({ hook: hook.name, outcome }, `shutdown hook ${hook.name} ${outcome === 'timeout' ? 'timed out' : 'failed'}`);
      }
    }
    if (this.#options.teardown !== undefined) await this.#options.teardown().catch(() => undefined);
    this.#exitCode = failed ? Math.max(1, exitCode) : exitCode;
    this.#transition('stopped');
    this.#logger.info({ reason, exitCode: this.#exitCode }, 'stopped');
    this.uninstallProcessHandlers();
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
