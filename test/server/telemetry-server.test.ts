import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from '../../src/server/http-error.js';
import { TelemetryServer } from '../../src/server/telemetry-server.js';

/** Sends raw bytes and returns the status line (or 'closed' when the server hangs up without one). */
function raw(port: number, request: string, holdMillis = 0): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    socket.on('close', () => resolve(response.split('\r\n')[0] ?? 'closed'));
    socket.write(request);
    if (holdMillis === 0) socket.end();
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

describe('TelemetryServer', () => {
  let server: TelemetryServer | undefined;
  afterEach(async () => server?.close());

  async function start(options: { token?: string; requestTimeoutMillis?: number; maxBodyBytes?: number } = {}): Promise<TelemetryServer> {
    const s = new TelemetryServer({ host: '127.0.0.1', port: 0, ...options });
    s.route('GET', '/api/data', (ctx) => ctx.text(200, 'data'));
    s.route('POST', '/api/echo', async (ctx) => ctx.json(200, await ctx.body(z.strictObject({ text: z.string().max(10) }))));
    s.route('GET', '/api/items/:id', (ctx) => ctx.json(200, { id: ctx.param('id') }));
    s.route('GET', '/api/page', (ctx) => ctx.json(200, ctx.query(z.strictObject({ limit: z.coerce.number().int().min(1).max(10) }))));
    s.route('GET', '/health/live', (ctx) => ctx.text(200, 'live'), { public: true });
    await s.listen();
    server = s;
    return s;
  }

  it('answers 413 to a body over the limit', async () => {
    const s = await start({ maxBodyBytes: 1024 });
    const big = await fetch(`${s.url()}/api/echo`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ text: 'x'.repeat(4096) }) });
    expect(big.status).toBe(413);
    const ok = await fetch(`${s.url()}/api/echo`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ text: 'hello' }) });
    expect(await ok.json()).toEqual({ text: 'hello' });
  });

  it('validates JSON bodies and query strings with their schema: 400 naming the field', async () => {
    const s = await start();
    const post = (body: string): Promise<Response> => fetch(`${s.url()}/api/echo`, { method: 'POST', headers: JSON_TYPE, body });
    expect(await (await post('{not json')).json()).toEqual({ error: 'the body is not valid JSON' });
    const tooLong = await post(JSON.stringify({ text: 'x'.repeat(11) }));
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: string }).error).toMatch(/^body field text /);
    const unknown = await post(JSON.stringify({ text: 'a', extra: 1 }));
    expect(((await unknown.json()) as { error: string }).error).toMatch(/^body field extra is not an option/);
    const badQuery = await fetch(`${s.url()}/api/page?limit=abc`);
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as { error: string }).error).toMatch(/^query parameter limit /);
    for (const limit of ['0', '-1', '11', '2.5']) expect((await fetch(`${s.url()}/api/page?limit=${limit}`)).status).toBe(400);
    expect(await (await fetch(`${s.url()}/api/page?limit=3`)).json()).toEqual({ limit: 3 });
  });

  it('decodes path captures once, and answers 400 (not 500) to a malformed encoding', async () => {
    const s = await start();
    expect(await (await fetch(`${s.url()}/api/items/a%2Fb%20c`)).json()).toEqual({ id: 'a/b c' });
    const bad = await fetch(`${s.url()}/api/items/%zz`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('malformed percent-encoding');
    expect((await fetch(`${s.url()}/api/items/`)).status).toBe(404);
  });

  it('answers 408 to headers that never finish arriving', async () => {
    const s = await start({ requestTimeoutMillis: 300 });
    const status = await raw(s.address().port, 'GET /api/data HTTP/1.1\r\nHost: x\r\nX-Slow: ', 1);
    expect(status).toBe('HTTP/1.1 408 Request Timeout');
  });

  it.each([
    '/assets/../../etc/passwd',
    '/assets/..%2f..%2fetc%2fpasswd',
    '/../package.json',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/api/../../src/index.ts',
    '/api/items/../../../etc/passwd',
    '//etc/passwd',
  ])('never maps %s onto the file system', async (path) => {
    const s = await start();
    const status = await raw(s.address().port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(status).toBe('HTTP/1.1 404 Not Found');
  });

  it('requires the bearer token everywhere but public routes: 401 when missing or wrong', async () => {
    const s = await start({ token: 'a-long-enough-secret-token' });
    expect((await fetch(`${s.url()}/api/data`)).status).toBe(401);
    expect((await fetch(`${s.url()}/api/data`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${s.url()}/api/data`, { headers: { authorization: 'Bearer a-long-enough-secret-token' } })).status).toBe(200);
    expect((await fetch(`${s.url()}/api/data?access_token=a-long-enough-secret-token`)).status).toBe(200);
    expect((await fetch(`${s.url()}/health/live`)).status).toBe(200);
  });

  it('answers 405 with Allow for a method the route does not serve, and 404 for unknown paths', async () => {
    const s = await start();
    const wrong = await fetch(`${s.url()}/api/data`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${s.url()}/nothing`)).status).toBe(404);
  });

  it('answers a thrown HttpError with its status, anything else with 500, and keeps serving', async () => {
    const s = await start();
    s.route('GET', '/api/teapot', () => {
      throw new HttpError(418, 'short and stout', { 'retry-after': '7' });
    });
    s.route('GET', '/api/boom', () => {
      throw new Error('boom');
    });
    const teapot = await fetch(`${s.url()}/api/teapot`);
    expect(teapot.status).toBe(418);
    expect(teapot.headers.get('retry-after')).toBe('7');
    expect(await teapot.json()).toEqual({ error: 'short and stout' });
    const boom = await fetch(`${s.url()}/api/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ error: 'internal error' }); // the message stays in the process
    expect((await fetch(`${s.url()}/api/data`)).status).toBe(200);
  });
});
