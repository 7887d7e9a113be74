/**
 * The ccxt quick start of README.md and docs/ccxt.md, run against the simulated exchange on
 * 127.0.0.1 (`npx tsx examples/ccxt/quick-start.ts`; a test runs it). The block in the middle
 * is what an existing ccxt bot adds; around it, this file starts the simulator, points the
 * instance at it (a real bot keeps Binance's URLs), trades once and prints what was recorded.
 */
import { DEFAULT_API_CREDENTIALS } from '../simulated-exchange/binance/binance-venue.js';
import { binanceUrls } from '../simulated-exchange/ccxt-urls.js';
import { SimulatedExchange } from '../simulated-exchange/simulated-exchange.js';

const simulator = new SimulatedExchange();
await simulator.start();
const { apiKey, secret } = DEFAULT_API_CREDENTIALS;

import ccxt from 'ccxt';
import { startTelemetry } from 'trading-telemetry';
import { instrumentExchange } from 'trading-telemetry/ccxt';

const telemetry = await startTelemetry({ serviceName: 'my-ccxt-bot' });
const exchange = instrumentExchange(new ccxt.binance({ apiKey, secret }), telemetry);
telemetry.lifecycle.installProcessHandlers();

exchange.urls = { ...exchange.urls, ...binanceUrls(simulator.httpUrl) };
const order = await exchange.createOrder('BTC/USDT', 'market', 'buy', 0.01);
const traced = telemetry.telemetry.orders.find(order.clientOrderId ?? '');
console.log(`${order.clientOrderId} ${traced?.stages.map((s) => s.stage).join(' → ')}`);
const metrics = await (await fetch(`${telemetry.url}/metrics`)).text();
console.log(metrics.split('\n').find((line) => line.startsWith('trading_exchange_request_duration_count{') && line.includes('createOrder')));
await telemetry.shutdown('quick start done');
await simulator.stop();
