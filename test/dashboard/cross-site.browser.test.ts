/// <reference lib="dom" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, startTelemetry, type TelemetryHandle } from 'trading-telemetry';
import { type Alerting, startAlerting } from 'trading-telemetry/alerting';

const JSON_TYPE = { 'content-type': 'application/json' };

/** A page on another loopback origin that tries every state-changing route, every way a page can. */
function attackerPage(target: string, silenceId: string): string {
  const routes = [
    ['POST', '/api/governor', '{"state":"normal","minutes":1}'],
    ['POST', '/api/governor', '{"state":"auto"}'],
    ['POST', '/api/silences', '{"matchers":{"group":"pnl"},"durationMinutes":525600}'],
    ['DELETE', `/api/silences/${silenceId}`, '{}'],
    ['POST', '/api/alerts/always_critical/ack', '{"by":"attacker"}'],
    ['POST', '/chaos/stall?millis=2000&every=100', '{}'],
    ['POST', '/chaos/heap?share=0.5', '{}'],
  ];
  return `<!doctype html><html><body><script>
const target = ${JSON.stringify(target)};
const routes = ${JSON.stringify(routes)};
window.done = (async () => {
  const tries = [];
  for (const [method, path, body] of routes) {
    // no-cors "simple" requests: sent without a preflight, the response unreadable
    tries.push(fetch(target + path, { method, mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body }).catch(() => undefined));
    // CORS with the JSON type: needs a preflight, which the server never grants
    tries.push(fetch(target + path, { method, headers: { 'content-type': 'application/json' }, body }).catch(() => undefined));
  }
  // a classic form post into a hidden frame
  const frame = document.createElement('iframe'); frame.name = 'sink'; document.body.append(frame);
  const form = document.createElement('form'); form.method = 'POST'; form.action = target + '/api/governor'; form.target = 'sink'; form.enctype = 'text/plain';
  const input = document.createElement('input'); input.name = '{"state":"normal","x":"'; input.value = '"}'; form.append(input); document.body.append(form); form.submit();
  await Promise.all(tries);
  await new Promise((r) => setTimeout(r, 500));
  return tries.length;
})();
</script></body></html>`;
}

describe('another page the operator opens cannot change trading state (real Chromium)', () => {
  let handle: TelemetryHandle;
  let alerting: Alerting;
  let attacker: Server;
  let attackerUrl: string;
  let browser: Browser;
  let silenceId: string;

  beforeAll(async () => {
    handle = await startTelemetry({ serviceName: 'cross-site', server: { port: 0 }, env: { TRADING_TELEMETRY_CHAOS: '1' }, runtimeMetrics: false, logger: createLogger({ level: 'silent' }) });
    alerting = await startAlerting(handle, {
      rules: [{ name: 'always_critical', severity: 'critical', labels: { group: 'pnl', governor: 'halt' }, condition: () => ({ message: 'daily loss limit' }) }],
      incidents: { path: join(await mkdtemp(join(tmpdir(), 'cross-site-')), 'incidents.jsonl') },
      evaluateEveryMillis: 100,
    });
    while (alerting.governor.state !== 'halted') await new Promise((r) => setTimeout(r, 20));
    const created = await fetch(`${handle.url ?? ''}/api/silences`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ matchers: { rule: 'other' }, durationMinutes: 5 }) });
    silenceId = ((await created.json()) as { id: string }).id;
    attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage(handle.url ?? '', silenceId)));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    const port = new URL(handle.url ?? '').port;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // DNS rebinding, simulated: a foreign name that resolves to our loopback server
        `--host-resolver-rules=MAP rebind.attacker.test:${port} 127.0.0.1:${port}, MAP rebind.attacker.test 127.0.0.1`,
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await new Promise<void>((resolve) => attacker.close(() => resolve()));
    await handle.shutdown();
  });

  it('a page on another loopback origin tries every mutating route; none takes effect', async () => {
    const page = await browser.newPage();
    await page.goto(attackerUrl);
    const tried = await page.evaluate(() => (window as unknown as { done: Promise<number> }).done);
    expect(tried).toBe(14);
    expect(alerting.governor.state).toBe('halted'); // the critical alert's halt was not lifted
    expect(alerting.engine.silences.active(Date.now()).map((s) => s.id)).toEqual([silenceId]); // none created, none deleted
    expect(alerting.engine.alerts().find((a) => a.rule === 'always_critical')?.acknowledgedBy).toBeNull();
    const healed = await fetch(`${handle.url ?? ''}/chaos/heal`, { method: 'POST', headers: JSON_TYPE, body: '{}' });
    expect(await healed.json()).toEqual({ healed: [] }); // no stall or heap fault was started
    await page.close();
  });

  it('a rebound name (DNS rebinding) can neither read nor write', async () => {
    const port = new URL(handle.url ?? '').port;
    const page = await browser.newPage();
    const answer = await page.goto(`http://rebind.attacker.test:${port}/api/alerts`);
    expect(answer?.status()).toBe(403);
    expect(await answer?.text()).toContain('is not served here');
    expect(alerting.governor.state).toBe('halted');
    await page.close();
  });

  it('the dashboard’s own buttons still work: ack an alert, halt, and hand back to automatic', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${handle.url ?? ''}/`);
    const ack = page.locator('button[data-ack="always_critical"]');
    await ack.waitFor({ timeout: 10_000 });
    await ack.click();
    await expect.poll(() => alerting.engine.alerts().find((a) => a.rule === 'always_critical')?.acknowledgedBy).toBe('dashboard');
    await page.click('#governor-halt');
    await expect.poll(() => alerting.governor.reason).toBe('manual: halted from the dashboard');
    await expect.poll(() => page.textContent('#governor-state')).toBe('halted');
    await page.click('#governor-auto');
    await expect.poll(() => alerting.governor.reason).toBe('always_critical: daily loss limit');
    // The trading day's P&L and the drawdown, kept across restarts, beside the governor.
    await expect.poll(() => page.textContent('#risk-daily')).toBe('+0.00');
    expect(await page.textContent('#risk-hwm')).toBe('+0.00');
    expect(errors).toEqual([]);
    await page.close();
  });
});
