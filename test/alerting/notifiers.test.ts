import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertView, type Notification, slackNotifier, telegramNotifier, webhookNotifier } from 'trading-telemetry/alerting';
import { NotificationDispatcher } from '../../src/alerting/notification-dispatcher.js';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/** A real HTTP server on 127.0.0.1 that answers each request per `script` (a status, or 'hang'). */
async function endpoint(script: (n: number) => number | 'hang'): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString() || 'null') as unknown });
      const answer = script(received.length);
      if (answer !== 'hang') res.writeHead(answer, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const alert: AlertView = {
  id: 'daily_loss_limit', rule: 'daily_loss_limit', severity: 'critical', state: 'firing', labels: { group: 'pnl' }, group: 'pnl',
  message: 'daily P&L -6000.00 is below −5000', value: -6000, since: 0, acknowledgedBy: null, silenced: false, inhibited: false,
  correlationId: 'bot-1-42', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', error: null,
};
const notification: Notification = { kind: 'firing', severity: 'critical', group: 'pnl', alerts: [alert], text: '[CRITICAL] FIRING: daily_loss_limit\n• daily_loss_limit: daily P&L -6000.00 is below −5000 [correlation bot-1-42, trace 4bf92f3577b34da6a3ce929d0e0e4736]' };
const fast = { retryDelayMillis: 20, timeoutMillis: 300 };

describe('notifiers against real HTTP servers', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  it('Slack: POSTs an incoming-webhook payload with text and a mrkdwn section block', async () => {
    const slack = await endpoint(() => 200);
    servers.push(slack);
    await slackNotifier(`${slack.url}/services/T000/B000/XXXX`, fast).send(notification);
    expect(slack.received).toHaveLength(1);
    const [request] = slack.received;
    expect(request).toMatchObject({ method: 'POST', path: '/services/T000/B000/XXXX', contentType: 'application/json' });
    expect(request?.body).toEqual({
      text: ':rotating_light: [CRITICAL] FIRING: daily_loss_limit',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:rotating_light: ${notification.text}` } }],
    });
  });

  it('Telegram: POSTs sendMessage to /bot<token>/ with chat_id and the text, carrying the correlation and trace ids', async () => {
    const telegram = await endpoint(() => 200);
    servers.push(telegram);
    await telegramNotifier({ botToken: '123456:ABC-DEF', chatId: '-100200300', apiBase: telegram.url, ...fast }).send(notification);
    const [request] = telegram.received;
    expect(request?.path).toBe('/bot123456:ABC-DEF/sendMessage');
    expect(request?.body).toEqual({ chat_id: '-100200300', text: notification.text, disable_web_page_preview: true });
    expect(JSON.stringify(request?.body)).toContain('bot-1-42');
  });

  it('webhook: POSTs the whole notification as JSON', async () => {
    const hook = await endpoint(() => 200);
    servers.push(hook);
    await webhookNotifier(`${hook.url}/alerts`, fast).send(notification);
    expect(hook.received[0]?.body).toEqual(JSON.parse(JSON.stringify(notification)));
  });

  it('retries 500s with backoff until one succeeds', async () => {
    const flaky = await endpoint((n) => (n < 3 ? 500 : 200));
    servers.push(flaky);
    await webhookNotifier(flaky.url, { ...fast, attempts: 4 }).send(notification);
    expect(flaky.received).toHaveLength(3);
  });

  it('retries a server that hangs (per-attempt timeout), then gives up with the reason', async () => {
    const hanging = await endpoint(() => 'hang');
    servers.push(hanging);
    await expect(webhookNotifier(hanging.url, { ...fast, attempts: 3 }).send(notification)).rejects.toThrow('timed out');
    expect(hanging.received).toHaveLength(3);
  });

  it('does not retry a 4xx other than 429', async () => {
    const wrong = await endpoint(() => 404);
    servers.push(wrong);
    await expect(slackNotifier(wrong.url, { ...fast, attempts: 4 }).send(notification)).rejects.toThrow('HTTP 404');
    expect(wrong.received).toHaveLength(1);
  });

  it('a failing channel never blocks another, and its give-ups are counted', async () => {
    const dead = await endpoint(() => 500);
    const alive = await endpoint(() => 200);
    servers.push(dead, alive);
    const dispatcher = new NotificationDispatcher({
      notifiers: [slackNotifier(dead.url, { ...fast, attempts: 2, name: 'slack' }), telegramNotifier({ botToken: '1:t', chatId: 'c', apiBase: alive.url, ...fast })],
    });
    const started = performance.now();
    dispatcher.notify('firing', [alert]);
    dispatcher.notify('resolved', [alert]);
    expect(performance.now() - started).toBeLessThan(50); // notify() only queues
    await dispatcher.idle();
    expect(alive.received).toHaveLength(2);
    expect(dead.received).toHaveLength(4);
    expect(Object.fromEntries(dispatcher.counts())).toEqual({ 'slack|failed': 2, 'telegram|delivered': 2 });
  });

  it('drops (and counts) notifications past a channel queue limit', async () => {
    const hanging = await endpoint(() => 'hang');
    servers.push(hanging);
    const dispatcher = new NotificationDispatcher({ notifiers: [webhookNotifier(hanging.url, { timeoutMillis: 200, attempts: 1 })], maxQueuePerChannel: 2 });
    for (let i = 0; i < 6; i++) dispatcher.notify('firing', [alert]);
    await dispatcher.idle();
    expect(Object.fromEntries(dispatcher.counts())).toEqual({ 'webhook|dropped': 3, 'webhook|failed': 3 });
  });
});
