import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One notification as it arrived: the path it was sent to and its parsed body. */
export interface Notification {
  readonly path: string;
  readonly at: number;
  readonly body: unknown;
}

/**
 * An HTTP server on 127.0.0.1 standing in for every Alertmanager receiver (the webhook, Slack's
 * incoming webhook, Telegram's Bot API): it answers each the way the real one answers success
 * and records what was sent where.
 */
export async function startAlertSink(): Promise<{ url: string; notifications: Notification[]; close(): Promise<void> }> {
  const notifications: Notification[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Telegram's client may send a form; keep the text.
      }
      notifications.push({ path, at: Date.now(), body });
      if (path.endsWith('/sendMessage')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result: { message_id: notifications.length, date: Math.floor(Date.now() / 1000), chat: { id: 0, type: 'supergroup' }, text: '' } }));
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notifications,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
