import type { HealthStatus, Probe } from './health-check.js';
import type { HealthReport } from './health-registry.js';
import type { LifecycleState } from './process-lifecycle.js';

function passes(status: HealthStatus, degradedOk: boolean): boolean {
  return status === 'healthy' || (status === 'degraded' && degradedOk);
}

/**
 * The verdict of one probe, as Kubernetes reads it: true is 200, false is 503.
 * - liveness: live until stopped (killing a draining pod would skip its shutdown hooks) and no liveness check unhealthy;
 * - readiness: the lifecycle is `ready` and the readiness checks pass (degraded passes when `degradedIsReady`);
 * - startup: past `starting` and no startup check unhealthy.
 */
export function probeVerdict(probe: Probe, report: HealthReport, state: LifecycleState, degradedIsReady: boolean): boolean {
  switch (probe) {
    case 'liveness':
      return state !== 'stopped' && report.status !== 'unhealthy';
    case 'readiness':
      return state === 'ready' && passes(report.status, degradedIsReady);
    case 'startup':
      return state !== 'starting' && report.status !== 'unhealthy';
  }
}
