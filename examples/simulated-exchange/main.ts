/**
 * Runs the simulated exchange on its own, for a bot in another process:
 *   npx tsx examples/simulated-exchange/main.ts --port 8080
 *   npm start -- --exchange http://127.0.0.1:8080
 * A ccxt bot points `binanceSimulatorOptions('http://127.0.0.1:8080')` (ccxt-urls.ts) at it.
 */
import { SimulatedExchange } from './simulated-exchange.js';

const arg = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
};
const exchange = new SimulatedExchange({ port: Number(arg('port') ?? 8080), seed: Number(arg('seed') ?? 42) });
const url = await exchange.start();
console.log(JSON.stringify({ ready: true, url: exchange.httpUrl, control: `${exchange.httpUrl}/control/state`, binance: { rest: `${exchange.httpUrl}/api/v3`, streams: `${url}/ws`, wsApi: `${url}/ws-api/v3` } }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void exchange.stop().then(() => process.exit(0)));
