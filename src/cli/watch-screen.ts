import { HISTORY_COLUMNS } from '../history/metrics-history.js';
import type { TelemetrySnapshot } from '../metrics/snapshot.js';
import type { HistoryAnswer, ProcessClient, SnapshotAnswer } from './process-client.js';
import { renderScreen, type ScreenAlert } from './render-screen.js';
import { readEventStream } from './sse-client.js';

/** Where and how `watch` draws. */
export interface WatchTerminal {
  write(text: string): void;
  /** Columns available; re-read at every frame so resizing just works. */
  columns(): number;
  readonly color: boolean;
  /** A TTY gets the alternate screen and in-place redraws; a pipe gets one frame after another. */
  readonly interactive: boolean;
}

/** One history sample as the stream carries it. */
type Sample = Record<keyof HistoryAnswer, number | null>;

const SLOW_REFRESH_MILLIS = 3000;
const RETRY_MILLIS = [1000, 2000, 5000, 10_000];

/**
 * `trading-telemetry watch`: draws the terminal view, then redraws it on every `/api/stream`
 * update (sparklines keep the last samples, as many as fit). Health, stages and alerts refresh
 * every 3 s. When the process goes away the last frame stays, marked `reconnecting…`, and the
 * stream is retried with backoff (1, 2, 5, then every 10 s) until `signal` aborts.
 */
export async function watchScreen(client: ProcessClient, terminal: WatchTerminal, signal: AbortSignal): Promise<void> {
  const serviceName = await client.serviceName();
  let slow: SnapshotAnswer = await client.snapshot();
  let snapshot: TelemetrySnapshot = slow.snapshot;
  let alerts: ScreenAlert[] | undefined = await client.alerts();
  const history = toHistory(await client.history());
  let footer = 'live · Ctrl-C quits';

  const draw = (): void => {
    const width = terminal.columns();
    const frame = renderScreen({ url: client.url, serviceName, snapshot, state: slow.state, stages: slow.stages, health: slow.health, history, footer, ...(alerts === undefined ? {} : { alerts }) }, { width, color: terminal.color });
    terminal.write(terminal.interactive ? `\x1b[H${frame.replaceAll('\n', '\x1b[K\n')}\x1b[J` : `${frame}\n\n`);
  };
  const refresher = setInterval(() => {
    Promise.all([client.snapshot(), client.alerts()]).then(([fresh, active]) => {
      slow = fresh;
      alerts = active;
    }, () => undefined);
  }, SLOW_REFRESH_MILLIS);
  draw();

  const stopped = (): boolean => signal.aborted;
  try {
    for (let attempt = 0; !stopped(); attempt++) {
      try {
        await readEventStream(`${client.url}/api/stream`, client.headers, (event) => {
          if (event.event !== 'update') return;
          const update = JSON.parse(event.data) as { sample: Sample | null; snapshot: TelemetrySnapshot };
          attempt = 0;
          footer = 'live · Ctrl-C quits';
          snapshot = update.snapshot;
          if (update.sample !== null) append(history, update.sample, Math.max(terminal.columns(), 60));
          draw();
        }, signal);
      } catch (error) {
        if (stopped()) break;
        footer = `reconnecting… (${error instanceof Error ? error.message : String(error)})`;
      }
      if (stopped()) break;
      if (!footer.startsWith('reconnecting')) footer = 'reconnecting… (stream ended)';
      draw();
      await sleep(RETRY_MILLIS[Math.min(attempt, RETRY_MILLIS.length - 1)] ?? 10_000, signal);
    }
  } finally {
    clearInterval(refresher);
  }
}

function toHistory(series: HistoryAnswer): HistoryAnswer {
  return Object.fromEntries(HISTORY_COLUMNS.map((c) => [c, series[c].slice(-140)])) as HistoryAnswer;
}

function append(history: HistoryAnswer, sample: Sample, keep: number): void {
  for (const column of HISTORY_COLUMNS) {
    const values = history[column];
    values.push(sample[column]);
    if (values.length > keep) values.splice(0, values.length - keep);
  }
}

function sleep(millis: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, millis);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
