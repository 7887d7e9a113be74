/**
 * Sends a ccxt exchange's traffic through the chaos proxy (`trading-telemetry chaos --proxy`),
 * for drilling a bot against its own exchange. Every URL ccxt requests is under
 * `exchange.urls.api`; this rewrites the ones on one host to the proxy's. After construction,
 * and after `setSandboxMode(true)` when you use it (that swaps the URL set):
 *
 *   const exchange = new ccxt.pro.binance({ apiKey, secret, httpAgent: new Agent() }); // ws:// needs an agent
 *   exchange.setSandboxMode(true);
 *   throughProxy(exchange, 'https://testnet.binance.vision', 'http://127.0.0.1:8081');
 *   throughProxy(exchange, 'wss://stream.testnet.binance.vision', 'ws://127.0.0.1:8081');
 */
import type { Exchange } from 'ccxt';

/** Rewrites every URL under `node` that starts with `from` to start with `to`. */
function rewrite(node: Record<string, unknown>, from: string, to: string): void {
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' && value.startsWith(from)) node[key] = to + value.slice(from.length);
    else if (typeof value === 'object' && value !== null) rewrite(value as Record<string, unknown>, from, to);
  }
}

/** Points every URL of `exchange` on `from` (`https://host[:port]`, `wss://…`) at `to`, the proxy (`http://127.0.0.1:PORT`, `ws://…`). */
export function throughProxy(exchange: Exchange, from: string, to: string): void {
  rewrite(exchange.urls.api, from.replace(/\/+$/, ''), to.replace(/\/+$/, ''));
}
