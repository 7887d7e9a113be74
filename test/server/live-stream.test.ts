import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveStream, TelemetryServer } from 'trading-telemetry';
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
    server = new TelemetryServer({ host: '127.0.0.1', port: 0 }).route('/api/stream', (req, res) => live.accept(req, res));
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

  it('refuses clients over the limit with 503 and counts them', async () => {
    const url = await start({ maxClients: 1 });
    const controller = new AbortController();
    void readEventStream(url, {}, () => undefined, controller.signal).catch(() => undefined);
    while (stream?.clients !== 1) await new Promise((r) => setTimeout(r, 5));
    expect((await fetch(url)).status).toBe(503);
    expect(stream.dropped.over_limit).toBe(1);
    controller.abort();
  });

  it('drops a client that stops reading instead of buffering without end', async () => {
    const url = new URL(await start({ maxBufferedBytes: 64 * 1024 }));
    const socket = connect(Number(url.port), '127.0.0.1');
    socket.write(`GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n`);
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
