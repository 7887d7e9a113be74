import type { HealthReport } from '../health/health-registry.js';
import type { HistoryColumn } from '../history/metrics-history.js';
import type { TelemetrySnapshot } from '../metrics/snapshot.js';
import type { StageReport } from '../tracing/stage-report.js';
import type { ScreenAlert } from './render-screen.js';

/** `/api/snapshot`: the snapshot with what changes slowly. */
export interface SnapshotAnswer {
  readonly snapshot: TelemetrySnapshot;
  readonly stages: StageReport;
  readonly health: HealthReport;
  readonly state: string;
}

/** History columns as JSON carries them: NaN arrives as null. */
export type HistoryAnswer = Record<HistoryColumn, (number | null)[]>;

/** Reads the dashboard API of one running process (`startTelemetry`'s embedded server). */
export class ProcessClient {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:9464`. */
  readonly url: string;
  /** Headers every request carries (the bearer token, when given). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(url: string, token: string | undefined) {
    this.url = url.replace(/\/+$/, '');
    this.headers = token === undefined || token === '' ? {} : { authorization: `Bearer ${token}` };
  }

  /** The service name from `/api/config`. */
  async serviceName(): Promise<string> {
    return (await this.#get<{ serviceName: string }>('/api/config')).serviceName;
  }

  snapshot(): Promise<SnapshotAnswer> {
    return this.#get('/api/snapshot');
  }

  async history(): Promise<HistoryAnswer> {
    return (await this.#get<{ series: HistoryAnswer }>('/api/history')).series;
  }

  /** Active alerts, or undefined when the process runs no alerting (404). */
  async alerts(): Promise<ScreenAlert[] | undefined> {
    const response = await fetch(`${this.url}/api/alerts`, { headers: this.headers });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${this.url}/api/alerts answered ${response.status}`);
    return ((await response.json()) as { alerts: ScreenAlert[] }).alerts;
  }

  async #get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { headers: this.headers });
    if (!response.ok) throw new Error(`${this.url}${path} answered ${response.status}${response.status === 401 ? ' (set TRADING_TELEMETRY_TOKEN)' : ''}`);
    return (await response.json()) as T;
  }
}
