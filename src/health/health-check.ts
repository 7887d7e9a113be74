/** A check's verdict. `degraded` still works, with a warning; `unhealthy` does not work. */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** The Kubernetes probe a check belongs to. */
export type Probe = 'liveness' | 'readiness' | 'startup';

/** What a check function returns: a status, or a status with the reason for it. */
export type CheckOutcome = HealthStatus | { readonly status: HealthStatus; readonly reason?: string };

/** A health check: sync or async. Throwing or rejecting counts as unhealthy with the error as reason. */
export type HealthCheckFn = () => CheckOutcome | Promise<CheckOutcome>;

/** One check's last result. */
export interface CheckResult {
  readonly name: string;
  readonly status: HealthStatus;
  readonly reason: string | null;
  /** How long the check took, in ms. */
  readonly latencyMs: number;
  /** Epoch ms when the check ran. */
  readonly checkedAt: number;
  readonly probes: readonly Probe[];
}

/** Options of one registered check. */
export interface CheckOptions {
  /** The probes this check decides. Default: readiness. */
  readonly probes?: readonly Probe[];
  /** A check taking longer is unhealthy ("timed out"). Default 2000 ms. */
  readonly timeoutMillis?: number;
  /** A result younger than this is reused, so frequent probes stay cheap. Default 1000 ms. */
  readonly cacheTtlMillis?: number;
}

/** How bad each status is, for combining results. */
export const SEVERITY: Record<HealthStatus, number> = { healthy: 0, degraded: 1, unhealthy: 2 };

/** The gauge value of each status. */
export const GAUGE_VALUE: Record<HealthStatus, number> = { healthy: 1, degraded: 0.5, unhealthy: 0 };

/** The worse of two statuses. */
export function worst(a: HealthStatus, b: HealthStatus): HealthStatus {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}
