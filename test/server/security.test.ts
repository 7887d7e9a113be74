import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { TelemetryServer, type TelemetryServerOptions } from '../../src/server/telemetry-server.js';

/** A raw request on 127.0.0.1 with exactly these headers (fetch would not let us set Host or Origin). */
function send(port: number, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, setHost: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the embedded server refuses cross-site control and DNS rebinding', () => {
  let server: TelemetryServer | undefined;
  let changes = 0;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(options: Partial<TelemetryServerOptions> = {}): Promise<number> {
    changes = 0;
    const s = new TelemetryServer({ host: '127.0.0.1', port: 0, ...options });
    s.route('POST', '/api/governor', (ctx) => {
      changes++;
      ctx.json(200, { ok: true });
    });
    s.route('GET', '/api/alerts', (ctx) => ctx.json(200, { alerts: [] }));
    s.route('GET', '/health/live', (ctx) => ctx.json(200, { ok: true }), { public: true });
    await s.listen();
    server = s;
    return s.address().port;
  }

  const json = { 'content-type': 'application/json' };

  it('the repro: a text/plain POST from another origin changed state; now 403, and without the Origin 415', async () => {
    const port = await start();
    const host = `127.0.0.1:${port}`;
    const attack = await send(port, 'POST', '/api/governor', { host, origin: 'http://evil.example', 'content-type': 'text/plain' }, '{"state":"normal"}');
    expect(attack.status).toBe(403);
    const noType = await send(port, 'POST', '/api/governor', { host, 'content-type': 'text/plain' }, '{"state":"normal"}');
    expect(noType.status).toBe(415);
    expect(noType.text).toContain('Content-Type: application/json');
    const form = await send(port, 'POST', '/api/governor', { host, 'content-type': 'application/x-www-form-urlencoded' }, 'state=normal');
    expect(form.status).toBe(415);
    expect(changes).toBe(0);
    const own = await send(port, 'POST', '/api/governor', { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin', ...json }, '{}');
    expect(own.status).toBe(200);
    const cli = await send(port, 'POST', '/api/governor', { host, 'content-type': 'application/json; charset=utf-8' }, '{}');
    expect(cli.status).toBe(200);
    expect(changes).toBe(2);
  });

  it.each<[Record<string, string>, string]>([
    [{ origin: 'http://127.0.0.1:1' }, 'another loopback port'],
    [{ origin: 'null' }, 'a sandboxed frame'],
    [{ origin: 'not a url' }, 'garbage'],
    [{ 'sec-fetch-site': 'cross-site' }, 'a cross-site fetch'],
    [{ 'sec-fetch-site': 'same-site' }, 'another port of the same site'],
  ])('refuses %j (%s) on every route, reads too', async (headers) => {
    const port = await start();
    const host = `127.0.0.1:${port}`;
    expect((await send(port, 'POST', '/api/governor', { host, ...json, ...headers }, '{}')).status).toBe(403);
    expect((await send(port, 'GET', '/api/alerts', { host, ...headers })).status).toBe(403);
    expect(changes).toBe(0);
  });

  it('answers only Host names it serves: loopback names, IP literals and server.allowedHosts (DNS rebinding)', async () => {
    const port = await start({ allowedHosts: ['bot'] });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `app.localhost:${port}`, `[::1]:${port}`, `10.1.2.3:${port}`, `bot:${port}`, 'BOT']) {
      expect((await send(port, 'GET', '/api/alerts', { host })).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, 'rebind.attacker.test', `bot.evil.example:${port}`, '']) {
      const answer = await send(port, 'GET', '/api/alerts', { host });
      expect(answer.status, host).toBe(403);
      expect(answer.text).toContain('server.allowedHosts');
      expect((await send(port, 'GET', '/health/live', { host })).status, `${host} (public route)`).toBe(403);
    }
    expect(server?.refused.host).toBe(8);
  });

  it('on a non-loopback address without a token, state changes are off unless allowMutations; reads still work', async () => {
    const port = await start({ host: '0.0.0.0' });
    const host = `127.0.0.1:${port}`;
    expect(server?.mutationsAllowed).toBe(false);
    const refused = await send(port, 'POST', '/api/governor', { host, ...json }, '{}');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('TRADING_TELEMETRY_TOKEN');
    expect((await send(port, 'GET', '/api/alerts', { host })).status).toBe(200);
    await server?.close();
    const allowed = await start({ host: '0.0.0.0', allowMutations: true });
    expect((await send(allowed, 'POST', '/api/governor', { host: `127.0.0.1:${allowed}`, ...json }, '{}')).status).toBe(200);
    await server?.close();
    const token = 'a-long-enough-secret-token';
    const tokened = await start({ host: '0.0.0.0', token });
    expect((await send(tokened, 'POST', '/api/governor', { host: `127.0.0.1:${tokened}`, authorization: `Bearer ${token}`, ...json }, '{}')).status).toBe(200);
  });
});

describe('the embedded server bounds its work per second', () => {
  let server: TelemetryServer | undefined;
  afterEach(async () => server?.close());

  it('requests over the rate wait their turn, past the queue they get 503 with Retry-After; probes jump the queue', async () => {
    const s = new TelemetryServer({ host: '127.0.0.1', port: 0, maxRequestsPerSecond: 20, maxQueuedRequests: 10 });
    const order: string[] = [];
    s.route('GET', '/api/work', (ctx) => {
      order.push('work');
      ctx.json(200, {});
    });
    s.route('GET', '/health/live', (ctx) => {
      order.push('probe');
      ctx.json(200, {});
    }, { public: true, priority: true });
    await s.listen();
    server = s;
    // burst 5 at once, 10 wait, the rest are refused
    const flood = Array.from({ length: 30 }, () => fetch(`${s.url()}/api/work`).then((r) => ({ status: r.status, retry: r.headers.get('retry-after') })));
    await new Promise((r) => setTimeout(r, 20));
    const probe = fetch(`${s.url()}/health/live`).then((r) => r.status);
    const answers = await Promise.all(flood);
    expect(await probe).toBe(200);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(10);
    expect(refused.every((a) => a.retry === '1')).toBe(true);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(10);
    // the probe came in after the queue filled, and was served before the queued work
    expect(order.indexOf('probe')).toBeLessThan(order.length - 5);
    expect(s.refused.busy).toBe(refused.length);
  });

  it('concurrent requests of a cached route share one render, and a state change renders anew', async () => {
    const s = new TelemetryServer({ host: '127.0.0.1', port: 0 });
    let renders = 0;
    s.route('GET', '/metrics', async (ctx) => {
      renders++;
      await new Promise((r) => setTimeout(r, 50));
      ctx.text(200, `render ${renders}`);
    }, { cacheMillis: 60_000 });
    s.route('POST', '/api/change', (ctx) => ctx.json(200, {}));
    await s.listen();
    server = s;
    const bodies = await Promise.all(Array.from({ length: 50 }, async () => (await fetch(`${s.url()}/metrics`)).text()));
    expect(new Set(bodies)).toEqual(new Set(['render 1']));
    expect(await (await fetch(`${s.url()}/metrics`)).text()).toBe('render 1');
    await fetch(`${s.url()}/api/change`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(await (await fetch(`${s.url()}/metrics`)).text()).toBe('render 2');
  });
});
