import { createHmac, timingSafeEqual } from 'node:crypto';
import { BinanceError, missingParameter } from './binance-error.js';

/** Query-string and body parameters together; a parameter in both is taken from the query string, as Binance does. */
export function requestParams(query: string, body: string): URLSearchParams {
  const params = new URLSearchParams(body);
  for (const [name, value] of new URLSearchParams(query)) params.set(name, value);
  return params;
}

const withoutSignature = (raw: string): string =>
  raw
    .split('&')
    .filter((pair) => pair !== '' && !pair.startsWith('signature='))
    .join('&');

/**
 * Checks a SIGNED REST request: the `X-MBX-APIKEY` header names a known key, the HMAC-SHA256
 * of the query string followed by the body (without `signature`) matches, and `timestamp`
 * lies within `recvWindow` of the server time. Returns the API key; throws Binance's error.
 */
export function authenticateRest(apiKey: string | undefined, query: string, body: string, secrets: ReadonlyMap<string, string>, serverNow: number): string {
  const secret = knownSecret(apiKey, secrets);
  const params = requestParams(query, body);
  const signature = params.get('signature');
  if (signature === null || signature === '') throw missingParameter('signature');
  checkSignature(withoutSignature(query) + withoutSignature(body), signature, secret);
  checkTimestamp(params.get('timestamp'), params.get('recvWindow'), serverNow);
  return apiKey ?? '';
}

/**
 * Checks a SIGNED WebSocket API request: `params.apiKey` is known, the signature is the
 * HMAC-SHA256 of the other parameters sorted by name (`key=value&…`), and the timestamp is
 * within `recvWindow`. Returns the API key.
 */
export function authenticateWsApi(params: Readonly<Record<string, unknown>>, secrets: ReadonlyMap<string, string>, serverNow: number): string {
  const apiKey = typeof params.apiKey === 'string' ? params.apiKey : undefined;
  const secret = knownSecret(apiKey, secrets);
  const signature = params.signature;
  if (typeof signature !== 'string' || signature === '') throw missingParameter('signature');
  const payload = Object.keys(params)
    .filter((name) => name !== 'signature')
    .sort()
    .map((name) => `${name}=${String(params[name])}`)
    .join('&');
  checkSignature(payload, signature, secret);
  const text = (value: unknown): string | null => (typeof value === 'number' || typeof value === 'string' ? String(value) : null);
  checkTimestamp(text(params.timestamp), text(params.recvWindow), serverNow);
  return apiKey ?? '';
}

function knownSecret(apiKey: string | undefined, secrets: ReadonlyMap<string, string>): string {
  if (apiKey === undefined || apiKey === '' || !/^[A-Za-z0-9_-]+$/.test(apiKey)) throw new BinanceError(401, -2014, 'API-key format invalid.');
  const secret = secrets.get(apiKey);
  if (secret === undefined) throw new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.');
  return secret;
}

function checkSignature(payload: string, signature: string, secret: string): void {
  const expected = Buffer.from(createHmac('sha256', secret).update(payload).digest('hex'));
  const given = Buffer.from(signature.toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new BinanceError(400, -1022, 'Signature for this request is not valid.');
}

/** Binance's timing security: not 1 s or more ahead of the server, and not older than `recvWindow` (default 5000, at most 60000). */
function checkTimestamp(timestampText: string | null, recvWindowText: string | null, serverNow: number): void {
  if (timestampText === null || !/^\d+$/.test(timestampText)) throw missingParameter('timestamp');
  const recvWindow = recvWindowText === null ? 5_000 : Number(recvWindowText);
  if (!Number.isFinite(recvWindow) || recvWindow <= 0 || recvWindow > 60_000) throw new BinanceError(400, -1131, 'recvWindow must be less than 60000');
  const timestamp = Number(timestampText);
  if (timestamp >= serverNow + 1_000) throw new BinanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.");
  if (serverNow - timestamp > recvWindow) throw new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
}
