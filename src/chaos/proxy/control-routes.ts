import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { firstIssue } from '../../validation/issues.js';
import { FAULT_REQUESTS, isFaultName } from './fault-requests.js';
import type { ProxyFaults } from './proxy-faults.js';
import { readAll } from './read-all.js';

/** Where the control API lives on the proxy; no exchange serves a path under it. */
export const CONTROL_PREFIX = '/__chaos';

const MAX_CONTROL_BYTES = 16 * 1024;

/** Whether a peer address is the loopback interface. */
function isLoopbackAddress(address: string | undefined): boolean {
  const a = (address ?? '').replace(/^::ffff:/, '');
  return a === '::1' || /^127\./.test(a);
}

/** Whether a Host header names loopback by address or as localhost (a DNS-rebinding page sends its own name). */
function isLoopbackHost(header: string | undefined): boolean {
  const name = (header ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || (isIP(name) !== 0 && isLoopbackAddress(name));
}

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

/** What the control API acts on. */
export interface ControlTarget {
  readonly faults: ProxyFaults;
  /** Drops every forwarded WebSocket (the `disconnect` fault). */
  dropConnections(): void;
  /** Extra fields of `GET /__chaos/state` (connections, upstream). */
  stateExtras(): Record<string, unknown>;
}

/**
 * `POST /__chaos/<fault>` with a JSON body, `GET /__chaos/state`. The rules of the embedded
 * server's state-changing routes: the peer must be on loopback and the Host a loopback name (403),
 * no browser request (an `Origin`: 403), the bearer token when one is set (401), and
 * `Content-Type: application/json` on a POST (415: a cross-site form cannot send it).
 * A body is validated strictly (400 naming the field).
 */
export async function handleControl(req: IncomingMessage, res: ServerResponse, target: ControlTarget, token: Buffer | undefined): Promise<void> {
  if (!isLoopbackAddress(req.socket.remoteAddress) || !isLoopbackHost(req.headers.host)) return reply(res, 403, { error: 'the chaos control API answers loopback clients only' });
  if (req.headers.origin !== undefined) return reply(res, 403, { error: 'cross-site requests are refused' });
  if (token !== undefined) {
    const header = req.headers.authorization ?? '';
    const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (presented.length !== token.length || !timingSafeEqual(presented, token)) return reply(res, 401, { error: 'unauthorized: send Authorization: Bearer <token>' }, { 'www-authenticate': 'Bearer' });
  }
  const name = (req.url ?? '').split('?')[0]?.slice(CONTROL_PREFIX.length + 1) ?? '';
  const state = (): Record<string, unknown> => ({ ...target.faults.state(), ...target.stateExtras() });
  if (name === 'state') {
    if (req.method !== 'GET') return reply(res, 405, { error: 'GET /__chaos/state' }, { allow: 'GET' });
    return reply(res, 200, state());
  }
  if (!isFaultName(name)) return reply(res, 404, { error: `no fault ${JSON.stringify(name)}; faults: ${Object.keys(FAULT_REQUESTS).join(', ')}, and GET state` });
  if (req.method !== 'POST') return reply(res, 405, { error: `POST /__chaos/${name} with a JSON body` }, { allow: 'POST' });
  if ((req.headers['content-type'] ?? '').split(';')[0]?.trim() !== 'application/json') return reply(res, 415, { error: 'fault requests need Content-Type: application/json' });
  const raw = await readAll(req, MAX_CONTROL_BYTES);
  if (raw === undefined) return reply(res, 413, { error: `the body is larger than ${MAX_CONTROL_BYTES} bytes` });
  let body: unknown;
  try {
    body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    return reply(res, 400, { error: 'the body is not valid JSON' });
  }
  const schema = FAULT_REQUESTS[name];
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = firstIssue(schema, parsed.error, body, '');
    return reply(res, 400, { error: issue.where === 'value' ? `body ${issue.message}` : `body field ${issue.where} ${issue.message}` });
  }
  if (target.faults.apply(name, parsed.data).dropConnections) target.dropConnections();
  return reply(res, 200, { ok: true, fault: name, state: state() });
}
