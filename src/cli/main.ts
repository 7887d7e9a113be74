#!/usr/bin/env node
/**
 * `trading-telemetry report [url]`: prints the terminal view of a running process once.
 * `trading-telemetry watch [url]`: redraws it live from the process's /api/stream.
 * `trading-telemetry chaos [scenario…]`: fault-injection drills against the example bot (docs/reliability.md).
 * The url defaults to http://127.0.0.1:9464; a bearer token comes from TRADING_TELEMETRY_TOKEN.
 * Colour is on for a terminal unless NO_COLOR is set.
 */
import { CHAOS_USAGE, chaosCommand } from './chaos-command.js';
import { ProcessClient } from './process-client.js';
import { renderScreen } from './render-screen.js';
import { watchScreen } from './watch-screen.js';

const USAGE = `usage: trading-telemetry <report|watch> [url]   (default url http://127.0.0.1:9464)
       ${CHAOS_USAGE}`;

const [command, url = 'http://127.0.0.1:9464'] = process.argv.slice(2);
const client = new ProcessClient(url, process.env.TRADING_TELEMETRY_TOKEN);
const tty = process.stdout.isTTY;
const color = tty && (process.env.NO_COLOR ?? '') === '';
const columns = (): number => (tty ? process.stdout.columns : Number(process.env.COLUMNS ?? 80) || 80);

async function report(): Promise<void> {
  const [serviceName, answer, history, alerts] = await Promise.all([client.serviceName(), client.snapshot(), client.history(), client.alerts()]);
  const { snapshot, stages, health, state } = answer;
  process.stdout.write(`${renderScreen({ url: client.url, serviceName, snapshot, stages, health, state, history, ...(alerts === undefined ? {} : { alerts }) }, { width: columns(), color })}\n`);
}

async function watch(): Promise<void> {
  const controller = new AbortController();
  const restore = (): void => {
    if (tty) process.stdout.write('\x1b[?25h\x1b[?1049l');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  if (tty) process.stdout.write('\x1b[?1049h\x1b[?25l\x1b[2J');
  try {
    await watchScreen(client, { write: (text) => process.stdout.write(text), columns, color, interactive: tty }, controller.signal);
  } finally {
    restore();
  }
}

async function chaos(): Promise<number> {
  return chaosCommand(process.argv.slice(3));
}

const run = command === 'report' ? report : command === 'watch' ? watch : command === 'chaos' ? chaos : undefined;
if (run === undefined) {
  console.error(USAGE);
  process.exit(2);
}
run().then(
  (code) => process.exit(code ?? 0),
  (error: unknown) => {
    console.error(`trading-telemetry ${command}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
