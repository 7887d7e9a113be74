import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody, TelemetryServer } from 'trading-telemetry';

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

describe('TelemetryServer limits', () => {
  let server: TelemetryServer | undefined;
  afterEach(async () => server?.close());

  async function start(options: { token?: string; requestTimeoutMillis?: number; maxBodyBytes?: number } = {}): Promise<TelemetryServer> {
    const s = new TelemetryServer({ host: '127.0.0.1', port: 0, ...options });
    s.route('/api/data', (_req, res) => res.end('data'));
    s.route('/api/echo', async (req, res) => res.end(await readBody(req, s.maxBodyBytes)), { methods: ['POST'] });
    s.route('/health/live', (_req, res) => res.end('live'), { public: true });
    s.route('/assets/*', (_req, res) => res.end('asset'));
    await s.listen();
    server = s;
    return s;
  }

  it('answers 413 to a body over the limit', async () => {
    const s = await start({ maxBodyBytes: 1024 });
    const big = await fetch(`${s.url()}/api/echo`, { method: 'POST', body: 'x'.repeat(4096) });
    expect(big.status).toBe(413);
    const ok = await fetch(`${s.url()}/api/echo`, { method: 'POST', body: 'hello' });
    expect(await ok.text()).toBe('hello');
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
    '//etc/passwd',
  ])('never maps %s onto the file system', async (path) => {
    const s = await start();
    const status = await raw(s.address().port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(status === 'HTTP/1.1 404 Not Found' || status === 'HTTP/1.1 200 OK').toBe(true);
    if (status.endsWith('200 OK')) expect(path.startsWith('/assets/')).toBe(true); // a registered prefix answers its own content, never a file
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

  it('turns a failing handler into a 500 and keeps serving', async () => {
    const s = await start();
    s.route('/api/boom', () => {
      throw new Error('boom');
    });
    expect((await fetch(`${s.url()}/api/boom`)).status).toBe(500);
    expect((await fetch(`${s.url()}/api/data`)).status).toBe(200);
  });
});
