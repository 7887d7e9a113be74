#!/usr/bin/env node
/**
 * `trading-telemetry report [url]`: prints the terminal view of a running process once.
 * `trading-telemetry watch [url]`: redraws it live from the process's /api/stream.
 * `trading-telemetry chaos [scenario…]`: fault-injection drills against a bot (docs/reliability.md).
 * The url defaults to http://127.0.0.1:9464; a bearer token comes from TRADING_TELEMETRY_TOKEN.
 * Colour is on for a terminal unless NO_COLOR is set.
 */
import { CHAOS_HELP, chaosCommand } from './chaos-command.js';
import { ProcessClient } from './process-client.js';
import { renderScreen } from './render-screen.js';
import { watchScreen } from './watch-screen.js';

const HELP = `usage: trading-telemetry <command> [options]

commands:
  report [url]   print the terminal view of a running process once
  watch [url]    redraw it live (q or Ctrl-C quits)
  chaos [...]    fault-injection drills against a bot (trading-telemetry chaos --help)

The url defaults to http://127.0.0.1:9464. A bearer token comes from TRADING_TELEMETRY_TOKEN.
NO_COLOR turns colour off. Docs: docs/dashboard.md, docs/reliability.md.`;

const VIEW_HELP = (command: string, what: string): string => `usage: trading-telemetry ${command} [url]

${what} of the process at url (default http://127.0.0.1:9464), from its /api.
TRADING_TELEMETRY_TOKEN: the bearer token, when the process has one. NO_COLOR: no colour.`;

const [command, ...rest] = process.argv.slice(2);
const wantsHelp = rest.includes('--help') || rest.includes('-h');
const url = rest.find((arg) => !arg.startsWith('-')) ?? 'http://127.0.0.1:9464';
const tty = process.stdout.isTTY;
const color = tty && (process.env.NO_COLOR ?? '') === '';
const columns = (): number => (tty ? process.stdout.columns : Number(process.env.COLUMNS ?? 80) || 80);

async function report(): Promise<void> {
  const client = new ProcessClient(url, process.env.TRADING_TELEMETRY_TOKEN);
  const [serviceName, answer, history, alerts] = await Promise.all([client.serviceName(), client.snapshot(), client.history(), client.alerts()]);
  const { snapshot, stages, health, state } = answer;
  process.stdout.write(`${renderScreen({ url: client.url, serviceName, snapshot, stages, health, state, history, ...(alerts === undefined ? {} : { alerts }) }, { width: columns(), color })}\n`);
}

async function watch(): Promise<void> {
  const client = new ProcessClient(url, process.env.TRADING_TELEMETRY_TOKEN);
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

const commands: Record<string, { help: string; run: () => Promise<unknown> }> = {
  report: { help: VIEW_HELP('report', 'Prints the terminal view once'), run: report },
  watch: { help: VIEW_HELP('watch', 'Redraws the terminal view live'), run: watch },
  chaos: { help: CHAOS_HELP, run: () => chaosCommand(rest) },
};

if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  console.log(HELP);
  process.exit(command === undefined ? 2 : 0);
}
const selected = commands[command];
if (selected === undefined) {
  console.error(`trading-telemetry: unknown command ${command}\n\n${HELP}`);
  process.exit(2);
}
if (wantsHelp) {
  console.log(selected.help);
  process.exit(0);
}
selected.run().then(
  (code) => process.exit(typeof code === 'number' ? code : 0),
  (error: unknown) => {
    console.error(`trading-telemetry ${command}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
