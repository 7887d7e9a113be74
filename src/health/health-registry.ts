import type { Meter } from '@opentelemetry/api';
import { z } from 'zod';
import { Instruments } from '../conventions.js';
import { TelemetryConfigError } from '../errors.js';
import { observeInstrument } from '../metrics/observable.js';
import { describeValue } from '../metrics/describe-value.js';
import { redactText } from '../secrets.js';
import { parseOptions, schemaOf } from '../validation/parse-options.js';
import {
  type CheckOptions,
  type CheckOutcome,
  type CheckResult,
  GAUGE_VALUE,
  type HealthCheckFn,
  type HealthStatus,
  type Probe,
  worst,
} from './health-check.js';

/** Every check's result and the combined status, for one probe or for all. */
export interface HealthReport {
  readonly status: HealthStatus;
  readonly checks: readonly CheckResult[];
}

interface Registered {
  readonly name: string;
  readonly fn: HealthCheckFn;
  readonly probes: readonly Probe[];
  readonly timeoutMillis: number;
  readonly cacheTtlMillis: number;
  last: CheckResult | undefined;
  inFlight: Promise<CheckResult> | undefined;
}

function normalise(outcome: CheckOutcome): { status: HealthStatus; reason: string | null } {
  if (typeof outcome === 'string') return { status: outcome, reason: null };
  return { status: outcome.status, reason: outcome.reason ?? null };
}

const checkOptionsSchema = schemaOf<CheckOptions>()(
  z.strictObject({
    probes: z.array(z.enum(['liveness', 'readiness', 'startup'])).optional(),
    timeoutMillis: z.number().positive().optional(),
    cacheTtlMillis: z.number().min(0).optional(),
  }),
);

/**
 * Named health checks, each belonging to liveness, readiness and/or startup. Running a check
 * never throws and never hangs: a throw, a rejection or a bad return value is unhealthy with
 * the reason, and a check slower than its timeout is unhealthy ("timed out"). Results are
 * cached per check, and a check already running is joined rather than started again, so a
 * hung dependency costs one pending call, not one per probe. Each check's last status is the
 * gauge `trading.health.check.status{check}`.
 */
export class HealthRegistry {
  readonly #checks = new Map<string, Registered>();
  readonly #now: () => number;

  constructor(options: { readonly meter?: Meter; readonly now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    if (options.meter !== undefined) {
      observeInstrument(options.meter, Instruments.healthCheckStatus, (result) => {
        for (const check of this.#checks.values()) {
          if (check.last !== undefined) result.observe(GAUGE_VALUE[check.last.status], { check: check.name });
        }
      });
    }
  }

  /**
   * Adds a check.
   * @throws TelemetryConfigError when `name` is already registered or an option is invalid.
   */
  register(name: string, fn: HealthCheckFn, given: CheckOptions = {}): this {
    // The name becomes the `check` label of trading.health.check.status: a label value, never free text.
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.:/@+-]{1,128}$/.test(name)) {
      throw new TelemetryConfigError('health check name', `must be 1 to 128 letters, digits or _ . : / @ + - (got ${JSON.stringify(name).slice(0, 40)})`);
    }
    if (typeof fn !== 'function') throw new TelemetryConfigError(`health check "${name}"`, 'needs a check function');
    if (this.#checks.has(name)) throw new TelemetryConfigError(`health check "${name}"`, 'is already registered; give each check a unique name');
    const options = parseOptions(checkOptionsSchema, given, `health check "${name}"`);
    const timeoutMillis = options.timeoutMillis ?? 2000;
    const cacheTtlMillis = options.cacheTtlMillis ?? 1000;
    this.#checks.set(name, { name, fn, probes: options.probes ?? ['readiness'], timeoutMillis, cacheTtlMillis, last: undefined, inFlight: undefined });
    return this;
  }

  /** Removes a check (e.g. an exchange the bot stopped trading). */
  unregister(name: string): boolean {
    return this.#checks.delete(name);
  }

  /** Runs (or reuses cached results of) the checks of `probe`, or every check. Never rejects. */
  async run(probe?: Probe): Promise<HealthReport> {
    const selected = [...this.#checks.values()].filter((c) => probe === undefined || c.probes.includes(probe));
    const checks = await Promise.all(selected.map((c) => this.#result(c)));
    const status = checks.reduce<HealthStatus>((acc, c) => worst(acc, c.status), 'healthy');
    return { status, checks };
  }

  #result(check: Registered): Promise<CheckResult> {
    const last = check.last;
    if (last !== undefined && this.#now() - last.checkedAt < check.cacheTtlMillis) return Promise.resolve(last);
    check.inFlight ??= this.#execute(check).finally(() => {
      check.inFlight = undefined;
    });
    return check.inFlight;
  }

  async #execute(check: Registered): Promise<CheckResult> {
    const startedAt = this.#now();
    const began = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ status: HealthStatus; reason: string }>((resolve) => {
      timer = setTimeout(() => resolve({ status: 'unhealthy', reason: `timed out after ${check.timeoutMillis} ms` }), check.timeoutMillis);
      timer.unref();
    });
    const outcome = await Promise.race([
      Promise.resolve()
        .then(check.fn)
        .then(
          (value) => validate(value),
          (error: unknown) => ({ status: 'unhealthy' as const, reason: error instanceof Error ? error.message : describeValue(error) }),
        ),
      timeout,
    ]);
    clearTimeout(timer);
    const result: CheckResult = {
      name: check.name,
      status: outcome.status,
      // Reasons are public (/health answers without a token): a credential in one never leaves.
      reason: outcome.reason === null ? null : redactText(outcome.reason),
      latencyMs: performance.now() - began,
      checkedAt: startedAt,
      probes: check.probes,
    };
    check.last = result;
    return result;
  }
}

/** A check's return value, or unhealthy when it is not a valid outcome. */
function validate(value: unknown): { status: HealthStatus; reason: string | null } {
  const status = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? (value as { status?: unknown }).status : undefined;
  if (status === 'healthy' || status === 'degraded' || status === 'unhealthy') return normalise(value as CheckOutcome);
  return { status: 'unhealthy', reason: `check returned ${describeValue(value)}, not a health status` };
}
