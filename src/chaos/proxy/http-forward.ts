import { type Agent, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, request as httpRequest, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream';
import type { ProxyFaults, Refusal } from './proxy-faults.js';
import { readAll } from './read-all.js';

/** Largest request body forwarded (REST parameters are small), bytes. */
const MAX_REQUEST_BYTES = 1024 * 1024;
/** Largest answer rewritten for the clock skew; a larger one is forwarded as it is, bytes. */
const MAX_REWRITTEN_BYTES = 8 * 1024 * 1024;
/** Headers of one hop, never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** Binance's default `recvWindow`, ms. */
const DEFAULT_RECV_WINDOW = 5000;

const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis));

function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && name !== 'host' && name !== 'content-length'));
}

/** What Binance answers instead: a JSON error for 429 and 418, a plain 5xx page otherwise. */
function refusalBody(refusal: Refusal, exchangeNow: number): { contentType: string; body: string } {
  if (refusal.status === 429) return { contentType: 'application/json', body: JSON.stringify({ code: -1003, msg: 'Too much request weight used; please use WebSocket Streams for live updates to avoid polling the API.' }) };
  if (refusal.status === 418) {
    const until = exchangeNow + (refusal.retryAfterSeconds ?? 120) * 1000;
    return { contentType: 'application/json', body: JSON.stringify({ code: -1003, msg: `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.` }) };
  }
  return { contentType: 'text/plain; charset=utf-8', body: `${refusal.status} Service Unavailable` };
}

/**
 * Whether a signed request's `timestamp` is outside the `recvWindow` of the skewed clock, as
 * Binance judges it (at most 1 s ahead, at most recvWindow behind). Only asked with a skew:
 * without one upstream judges by its own clock.
 */
function outsideRecvWindow(url: string, body: Buffer, exchangeNow: number): boolean {
  const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
  const form = new URLSearchParams(body.toString('utf8'));
  const timestamp = Number(query.get('timestamp') ?? form.get('timestamp') ?? Number.NaN);
  if (!Number.isFinite(timestamp)) return false;
  const recvWindow = Number(query.get('recvWindow') ?? form.get('recvWindow') ?? DEFAULT_RECV_WINDOW);
  return timestamp >= exchangeNow + 1000 || exchangeNow - timestamp > recvWindow;
}

/** Where and how requests go upstream. */
export interface Upstream {
  /** `http://host:port` or `https://…`, no trailing slash. */
  readonly base: URL;
  readonly agent: Agent;
}

/**
 * Forwards one HTTP request upstream and its answer back, through the faults: a refusal
 * (`http-status`, the storm) answers instead of upstream, the clock skew refuses signed requests
 * outside its recvWindow and rewrites `serverTime` and `Date`, the storm rewrites the usage
 * headers, latency holds the answer back. Never logs; answers 502 when upstream fails.
 */
export async function forwardHttp(req: IncomingMessage, res: ServerResponse, upstream: Upstream, faults: ProxyFaults): Promise<void> {
  const body = await readAll(req, MAX_REQUEST_BYTES);
  if (body === undefined) {
    res.writeHead(413, { 'content-type': 'text/plain' }).end('request body too large for the chaos proxy');
    return;
  }
  const url = req.url ?? '/';
  const refusal = faults.takeRefusal();
  const timestampRefused = refusal === undefined && faults.skewMillis !== 0 && outsideRecvWindow(url, body, faults.exchangeNow());
  if (timestampRefused) faults.counts.refusedTimestamps++;
  const answer = refusal !== undefined || timestampRefused ? undefined : await send(req, url, body, upstream).catch(() => undefined);
  if (faults.latencyMillis > 0) {
    faults.counts.delayed++;
    await sleep(faults.latencyMillis);
  }
  if (refusal !== undefined) writeRefusal(res, refusal, faults);
  else if (timestampRefused) res.writeHead(400, { 'content-type': 'application/json', ...timeHeaders(faults) }).end(JSON.stringify({ code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' }));
  else if (answer === undefined) res.writeHead(502, { 'content-type': 'text/plain' }).end('the chaos proxy could not reach its upstream');
  else await writeAnswer(res, answer, faults);
}

/** The `Date` of the skewed clock, when there is a skew. */
function timeHeaders(faults: ProxyFaults): OutgoingHttpHeaders {
  if (faults.skewMillis === 0) return {};
  faults.counts.rewrittenTimes++;
  return { date: new Date(faults.exchangeNow()).toUTCString() };
}

/** The storm's usage headers, when a storm blows; it counts the answer's weight (`upstreamUsed`: upstream's own header). */
function usageHeaders(faults: ProxyFaults, upstreamUsed: string | string[] | undefined): OutgoingHttpHeaders {
  const usage = faults.stormUsage(typeof upstreamUsed === 'string' ? upstreamUsed : undefined);
  return usage === undefined ? {} : { 'x-mbx-used-weight': String(usage), 'x-mbx-used-weight-1m': String(usage) };
}

function writeRefusal(res: ServerResponse, refusal: Refusal, faults: ProxyFaults): void {
  const { contentType, body } = refusalBody(refusal, faults.exchangeNow());
  res.writeHead(refusal.status, {
    'content-type': contentType,
    ...(refusal.retryAfterSeconds === undefined ? {} : { 'retry-after': String(refusal.retryAfterSeconds) }),
    ...usageHeaders(faults, undefined),
    ...timeHeaders(faults),
  });
  res.end(body);
}

/** Upstream's answer, streamed as it is, or read whole and `serverTime` shifted while a skew lasts. */
async function writeAnswer(res: ServerResponse, answer: IncomingMessage, faults: ProxyFaults): Promise<void> {
  const headers: OutgoingHttpHeaders = { ...forwardable(answer.headers), ...usageHeaders(faults, answer.headers['x-mbx-used-weight-1m']), ...timeHeaders(faults) };
  const json = (answer.headers['content-type'] ?? '').includes('json');
  const declared = Number(answer.headers['content-length'] ?? 0);
  if (faults.skewMillis === 0 || !json || declared > MAX_REWRITTEN_BYTES) {
    if (answer.headers['content-length'] !== undefined) headers['content-length'] = answer.headers['content-length'];
    res.writeHead(answer.statusCode ?? 502, headers);
    // pipeline, not pipe: an upstream that resets mid-answer, or a client that hangs up, ends both
    // sides instead of an 'error' no one listens to (an uncaught exception in the proxy).
    pipeline(answer, res, () => undefined);
    return;
  }
  const whole = await readAll(answer, MAX_REWRITTEN_BYTES);
  if (whole === undefined) {
    res.writeHead(502, { 'content-type': 'text/plain' }).end('the upstream answer is too large for the chaos proxy to rewrite');
    return;
  }
  const skew = faults.skewMillis;
  const rewritten = whole.toString('utf8').replace(/"serverTime":(\d+)/g, (_match, time: string) => {
    faults.counts.rewrittenTimes++;
    return `"serverTime":${Number(time) + skew}`;
  });
  res.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': Buffer.byteLength(rewritten) });
  res.end(rewritten);
}

function send(req: IncomingMessage, url: string, body: Buffer, upstream: Upstream): Promise<IncomingMessage> {
  const target = new URL(url, upstream.base);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(target, {
      method: req.method,
      agent: upstream.agent,
      // identity: an answer the skew rewrites must be readable.
      headers: { ...forwardable(req.headers), host: target.host, 'accept-encoding': 'identity', 'content-length': body.length },
      timeout: 60_000,
    });
    outgoing.once('response', resolve);
    outgoing.once('timeout', () => outgoing.destroy(new Error('upstream timed out')));
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
