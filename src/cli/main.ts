#!/usr/bin/env node
/**
 * `trading-telemetry report [url]`: prints the terminal report of a running process once.
 * `trading-telemetry watch [url]`: redraws it live from the process's /api/stream.
 * The url defaults to http://127.0.0.1:9464; a bearer token comes from TRADING_TELEMETRY_TOKEN.
 */
import type { HealthReport } from '../health/health-registry.js';
import type { TelemetrySnapshot } from '../metrics/snapshot.js';
import type { StageReport } from '../tracing/stage-report.js';
import { renderScreen } from './render-screen.js';
import { readEventStream } from './sse-client.js';

interface SnapshotResponse {
  readonly snapshot: TelemetrySnapshot;
  readonly stages: StageReport;
  readonly health: HealthReport;
}

const USAGE = 'usage: trading-telemetry <report|watch> [url]   (default url http://127.0.0.1:9464)';

const [command, rawUrl = 'http://127.0.0.1:9464'] = process.argv.slice(2);
const url = rawUrl.replace(/\/+$/, '');
const token = process.env.TRADING_TELEMETRY_TOKEN;
const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };

async function fetchSnapshot(): Promise<SnapshotResponse> {
  const response = await fetch(`${url}/api/snapshot`, { headers });
  if (!response.ok) throw new Error(`${url}/api/snapshot answered ${response.status}`);
  return (await response.json()) as SnapshotResponse;
}

async function report(): Promise<void> {
  const { snapshot, stages, health } = await fetchSnapshot();
  console.log(renderScreen({ url, snapshot, stages, health }));
}

async function watch(): Promise<void> {
  let latest = await fetchSnapshot();
  const draw = (snapshot: TelemetrySnapshot): void => {
    process.stdout.write(`\x1b[H\x1b[2J${renderScreen({ url, snapshot, stages: latest.stages, health: latest.health })}\n\n(Ctrl-C to quit)\n`);
  };
  draw(latest.snapshot);
  // Health and stages change slowly: refresh them every few seconds; the stream carries the rest.
  const refresher = setInterval(() => {
    fetchSnapshot().then(
      (fresh) => (latest = fresh),
      () => undefined,
    );
  }, 3000);
  refresher.unref();
  await readEventStream(`${url}/api/stream`, headers, (event) => {
    if (event.event === 'update') draw((JSON.parse(event.data) as { snapshot: TelemetrySnapshot }).snapshot);
  });
}

const run = command === 'report' ? report : command === 'watch' ? watch : undefined;
if (run === undefined) {
  console.error(USAGE);
  process.exit(2);
}
run().catch((error: unknown) => {
  console.error(`trading-telemetry ${command}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
