/**
 * `npm start`: the example trading bot against an in-process simulated exchange, fully
 * instrumented with trading-telemetry. Flags: see bot-options.ts (`npm start -- --help`).
 */
import { parseBotOptions } from './bot-options.js';
import { startBot } from './bot.js';

let options;
try {
  options = parseBotOptions(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const bot = await startBot(options, (code) => process.exit(code));
const url = bot.telemetry.url ?? '(telemetry server disabled)';
console.error(`
  trading bot running against ${bot.exchangeUrl}
  dashboard  ${url}/
  metrics    ${url}/metrics
  health     ${url}/health
  Ctrl-C stops it gracefully (cancels open orders, flushes telemetry).
`);
// One machine-readable line for scripts and tests.
console.log(JSON.stringify({ ready: true, url: bot.telemetry.url, exchange: bot.exchangeUrl }));
