import type { ServerResponse } from 'node:http';
import type { TelemetryServer } from '../server/telemetry-server.js';
import type { HealthStatus, Probe } from './health-check.js';
import type { HealthRegistry, HealthReport } from './health-registry.js';
import type { LifecycleState, ProcessLifecycle } from './process-lifecycle.js';

/** Options of {@link mountHealthRoutes}. */
export interface ProbeOptions {
  /** Whether a degraded readiness check still counts as ready. Default true (degraded still trades). */
  readonly degradedIsReady?: boolean;
}

function send(res: ServerResponse, ok: boolean, body: object): void {
  res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function passes(status: HealthStatus, degradedOk: boolean): boolean {
  return status === 'healthy' || (status === 'degraded' && degradedOk);
}

/** The verdict of one probe, as Kubernetes reads it: true is 200, false is 503. */
export function probeVerdict(probe: Probe, report: HealthReport, state: LifecycleState, degradedIsReady: boolean): boolean {
  switch (probe) {
    case 'liveness':
      // Live while draining: killing a draining pod would skip its shutdown hooks.
      return state !== 'stopped' && report.status !== 'unhealthy';
    case 'readiness':
      return state === 'ready' && passes(report.status, degradedIsReady);
    case 'startup':
      return state !== 'starting' && report.status !== 'unhealthy';
  }
}

/**
 * Serves the Kubernetes probes on the embedded server (public: no bearer token, the kubelet has none):
 * `/health/live`, `/health/ready`, `/health/startup` (200 or 503 with the checks as JSON) and
 * `/health` (every check, the lifecycle state and the combined status).
 */
export function mountHealthRoutes(server: TelemetryServer, registry: HealthRegistry, lifecycle: ProcessLifecycle, options: ProbeOptions = {}): void {
  const degradedIsReady = options.degradedIsReady ?? true;
  const probes: [string, Probe][] = [
    ['/health/live', 'liveness'],
    ['/health/ready', 'readiness'],
    ['/health/startup', 'startup'],
  ];
  for (const [path, probe] of probes) {
    server.route(path, async (_req, res) => {
      const report = await registry.run(probe);
      const ok = probeVerdict(probe, report, lifecycle.state, degradedIsReady);
      send(res, ok, { probe, ok, state: lifecycle.state, ...report });
    }, { public: true });
  }
  server.route('/health', async (_req, res) => {
    const report = await registry.run();
    const ok = probeVerdict('readiness', report, lifecycle.state, degradedIsReady);
    send(res, ok, { ok, state: lifecycle.state, ...report });
  }, { public: true });
}
