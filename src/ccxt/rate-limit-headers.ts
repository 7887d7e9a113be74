import { finite, isObject } from './ccxt-shapes.js';

/** One rate limit as a response reported it: how much is used, and the size when it says. */
export interface RateLimitReading {
  /** The limit's name, the `trading.rate_limit` label: `request_weight_1m`, `orders_10s`, … */
  readonly limit: string;
  readonly used: number;
  readonly size?: number;
}

/** The size of one rate limit, as the exchange publishes it. */
export interface RateLimitSize {
  readonly limit: string;
  readonly size: number;
}

/** Whether a header (lower-case name) can speak of rate limits: the exchanges' own `x-…` headers, and Retry-After. */
function rateLimitHeader(name: string): boolean {
  return name.startsWith('x-') || name === 'retry-after';
}

/**
 * The headers of a response that can speak of rate limits, as ccxt's transport hands them over
 * (undici's plain object, or a fetch `Headers`: both with lower-case names), with string values.
 */
export function headerEntries(headers: unknown): [string, string][] {
  const entries: [string, string][] = [];
  if (!isObject(headers)) return entries;
  if (typeof headers.forEach === 'function') {
    (headers as { forEach(fn: (value: string, key: string) => void): void }).forEach((value, key) => {
      if (rateLimitHeader(key)) entries.push([key, value]);
    });
    return entries;
  }
  for (const key in headers) {
    if (!rateLimitHeader(key)) continue;
    const value = headers[key];
    if (typeof value === 'string') entries.push([key, value]);
    else if (Array.isArray(value)) entries.push([key, value.join(', ')]);
  }
  return entries;
}

/** Binance's usage headers: `x-mbx-used-weight-1m`, `x-mbx-order-count-10s` / `-1d`, `x-sapi-used-ip-weight-1m`. */
const BINANCE_HEADER = /^x-(?:mbx-used-weight-(\d+[smhd])|mbx-order-count-(\d+[smhd])|sapi-used-(ip|uid)-weight-(\d+[smhd]))$/;

function binanceHeaders(entries: readonly [string, string][]): RateLimitReading[] {
  const readings: RateLimitReading[] = [];
  for (const [key, value] of entries) {
    const match = BINANCE_HEADER.exec(key);
    const used = Number(value);
    if (match === null || !Number.isFinite(used)) continue;
    const [, weight, orders, sapiKind, sapiInterval] = match;
    const limit = weight !== undefined ? `request_weight_${weight}` : orders !== undefined ? `orders_${orders}` : `sapi_${sapiKind ?? 'ip'}_weight_${sapiInterval ?? ''}`;
    readings.push({ limit, used });
  }
  return readings;
}

/** Bybit v5: `X-Bapi-Limit` (the endpoint's limit) and `X-Bapi-Limit-Status` (what is left of it), per endpoint. */
function bybitHeaders(entries: readonly [string, string][], template: string): RateLimitReading[] {
  const values = new Map(entries);
  const size = Number(values.get('x-bapi-limit'));
  const remaining = Number(values.get('x-bapi-limit-status'));
  if (!Number.isFinite(size) || !Number.isFinite(remaining)) return [];
  return [{ limit: template, used: Math.max(0, size - remaining), size }];
}

const INTERVAL_UNIT: Readonly<Record<string, string>> = { SECOND: 's', MINUTE: 'm', HOUR: 'h', DAY: 'd' };

/** Binance's `rateLimits` in exchangeInfo: `{rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000}`, … */
function binanceLimits(body: unknown): RateLimitSize[] {
  const rateLimits = isObject(body) ? body.rateLimits : undefined;
  if (!Array.isArray(rateLimits)) return [];
  const sizes: RateLimitSize[] = [];
  for (const entry of rateLimits as unknown[]) {
    if (!isObject(entry)) continue;
    const unit = typeof entry.interval === 'string' ? INTERVAL_UNIT[entry.interval] : undefined;
    const count = finite(entry.intervalNum);
    const size = finite(entry.limit);
    const kind = entry.rateLimitType === 'REQUEST_WEIGHT' ? 'request_weight' : entry.rateLimitType === 'ORDERS' ? 'orders' : undefined;
    if (unit === undefined || count === undefined || size === undefined || kind === undefined) continue;
    sizes.push({ limit: `${kind}_${count}${unit}`, size });
  }
  return sizes;
}

/** How an exchange reports its rate limits: in response headers, and (Binance) in a response body. */
export interface RateLimitReader {
  headers(entries: readonly [string, string][], template: string): RateLimitReading[];
  /** Whether responses to `template` publish limit sizes in their body. */
  readsBody(template: string): boolean;
  /** Sizes published in such a body. */
  body(body: unknown): RateLimitSize[];
}

const NONE: RateLimitReader = { headers: () => [], readsBody: () => false, body: () => [] };

/**
 * The reader for the exchange `id`: Binance (and its Binance-API siblings) and Bybit send usage
 * headers; other exchanges (OKX among them) send none, and only their 429s are counted.
 */
export function rateLimitReader(id: string): RateLimitReader {
  if (id.startsWith('binance')) return { headers: binanceHeaders, readsBody: (template) => template.endsWith('/exchangeInfo'), body: binanceLimits };
  if (id === 'bybit') return { ...NONE, headers: bybitHeaders };
  return NONE;
}
