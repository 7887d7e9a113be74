import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStream } from '../../src/server/live-stream.js';
import { TelemetryServer } from '../../src/server/telemetry-server.js';
import { readEventStream } from '../../src/cli/sse-client.js';

describe('LiveStream (SSE)', () => {
  let server: TelemetryServer | undefined;
  let stream: LiveStream | undefined;
  afterEach(async () => {
    stream?.close();
    await server?.close();
  });

  async function start(options: ConstructorParameters<typeof LiveStream>[0]): Promise<string> {
    stream = new LiveStream(options);
    const live = stream;
    server = new TelemetryServer({ host: '127.0.0.1', port: 0 }).route('GET', '/api/stream', (ctx) => live.accept(ctx.req, ctx.res));
    await server.listen();
    return `${server.url()}/api/stream`;
  }

  it('delivers broadcast events to every client', async () => {
    const url = await start({});
    const received: string[] = [];
    const controller = new AbortController();
    const reading = readEventStream(url, {}, (e) => {
      received.push(`${e.event}:${e.data}`);
      if (received.length === 2) controller.abort();
    }, controller.signal).catch(() => undefined);
    while (stream?.clients !== 1) await new Promise((r) => setTimeout(r, 5));
    stream.broadcast('update', { n: 1 });
    stream.broadcast('update', { n: 2 });
    await reading;
    expect(received).toEqual(['update:{"n":1}', 'update:{"n":2}']);
  });

  it('over the limit, the oldest stream gives way (32 idle clients cannot lock a new dashboard out), counted', async () => {
    const url = await start({ maxClients: 2 });
    const controllers = [new AbortController(), new AbortController()];
    const ended = controllers.map((c) => readEventStream(url, {}, () => undefined, c.signal).then(() => 'ended', () => 'aborted'));
    while (stream?.clients !== 2) await new Promise((r) => setTimeout(r, 5));
    const newest = new AbortController();
    const received: string[] = [];
    void readEventStream(url, {}, (e) => received.push(e.data), newest.signal).catch(() => undefined);
    expect(await ended[0]).toBe('ended'); // the oldest was ended by the server
    while (stream.dropped.evicted !== 1) await new Promise((r) => setTimeout(r, 5));
    expect(stream.clients).toBe(2);
    stream.broadcast('update', { n: 1 });
    await expect.poll(() => received).toEqual(['{"n":1}']);
    for (const c of [...controllers, newest]) c.abort();
  });

  it('drops a client that stops reading instead of buffering without end', async () => {
    const url = new URL(await start({ maxBufferedBytes: 64 * 1024 }));
    const socket = connect(Number(url.port), '127.0.0.1');
    socket.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    socket.pause(); // never reads: the kernel buffers fill, then ours
    const live = stream;
    if (live === undefined) throw new Error('not started');
    const clients = (): number => live.clients;
    while (clients() !== 1) await new Promise((r) => setTimeout(r, 5));
    const payload = { blob: 'x'.repeat(64 * 1024) };
    for (let i = 0; i < 400 && clients() === 1; i++) {
      live.broadcast('update', payload);
      await new Promise((r) => setImmediate(r));
    }
    expect(clients()).toBe(0);
    expect(live.dropped.slow).toBe(1);
    socket.destroy();
  });
});
