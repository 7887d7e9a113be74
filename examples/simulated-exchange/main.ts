/**
 * Runs the simulated exchange on its own, for a bot in another process:
 *   npx tsx examples/simulated-exchange/main.ts --port 8080
 *   npm start -- --exchange ws://127.0.0.1:8080/ws
 */
import { SimulatedExchange } from './simulated-exchange.js';

const arg = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
};
const exchange = new SimulatedExchange({ port: Number(arg('port') ?? 8080), seed: Number(arg('seed') ?? 42) });
const url = await exchange.start();
console.log(JSON.stringify({ ready: true, url: `${url}/ws`, control: `${url.replace('ws:', 'http:')}/control/state` }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void exchange.stop().then(() => process.exit(0)));
