/**
 * The real ccxt.pro binance trading against the simulated exchange on 127.0.0.1:
 *   npx tsx examples/simulated-exchange/ccxt-quickstart.ts
 */
import ccxt from 'ccxt';
import { DEFAULT_API_CREDENTIALS } from './binance/binance-venue.js';
import { binanceSimulatorOptions } from './ccxt-urls.js';
import { SimulatedExchange } from './simulated-exchange.js';

const simulator = new SimulatedExchange();
await simulator.start();
const exchange = new ccxt.pro.binance({ ...DEFAULT_API_CREDENTIALS, ...binanceSimulatorOptions(simulator.httpUrl) });

const book = await exchange.watchOrderBook('BTC/USDT'); // REST snapshot + diff stream
const price = Number(exchange.priceToPrecision('BTC/USDT', (book.asks[0]?.[0] ?? 0) * 1.002)); // marketable
const order = await exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, price, { clientOrderId: 'quickstart-1' });
console.log(`${order.clientOrderId} ${order.status}: filled ${order.filled} BTC, fee ${order.fee?.cost} ${order.fee?.currency}`);
console.log(`weight used this minute: ${exchange.last_response_headers?.['X-Mbx-Used-Weight-1m']}`);

await exchange.close();
await simulator.stop();
