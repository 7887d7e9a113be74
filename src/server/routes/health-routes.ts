import type { Probe } from '../../health/health-check.js';
import type { HealthRegistry } from '../../health/health-registry.js';
import type { ProcessLifecycle } from '../../health/process-lifecycle.js';
import { probeVerdict } from '../../health/probe-verdict.js';
import type { TelemetryServer } from '../telemetry-server.js';

const PROBES: readonly (readonly [string, Probe])[] = [
  ['/health/live', 'liveness'],
  ['/health/ready', 'readiness'],
  ['/health/startup', 'startup'],
];

/**
 * The Kubernetes probes (public: the kubelet has no bearer token): `/health/live`,
 * `/health/ready`, `/health/startup` (200 or 503 with the checks as JSON) and `/health`
 * (every check, the lifecycle state and the combined status; 200 when ready).
 */
export function mountHealthRoutes(server: TelemetryServer, registry: HealthRegistry, lifecycle: ProcessLifecycle, degradedIsReady: boolean): void {
  for (const [path, probe] of PROBES) {
    server.route('GET', path, async (ctx) => {
      const report = await registry.run(probe);
      const ok = probeVerdict(probe, report, lifecycle.state, degradedIsReady);
      if (probe === 'readiness') lifecycle.noteReadinessProbe();
      ctx.json(ok ? 200 : 503, { probe, ok, state: lifecycle.state, ...report });
    }, { public: true, priority: true });
  }
  server.route('GET', '/health', async (ctx) => {
    const report = await registry.run();
    const ok = probeVerdict('readiness', report, lifecycle.state, degradedIsReady);
    ctx.json(ok ? 200 : 503, { ok, state: lifecycle.state, ...report });
  }, { public: true, priority: true });
}
