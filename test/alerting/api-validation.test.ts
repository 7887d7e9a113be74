import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, startTelemetry, type TelemetryHandle } from 'trading-telemetry';
import { type Alerting, startAlerting } from 'trading-telemetry/alerting';

const JSON_TYPE = { 'content-type': 'application/json' };

/** The alerting API refuses what it used to accept: each case was a repro of #14. */
describe('the alerting API validates every body and query, once, by its schema', () => {
  let handle: TelemetryHandle;
  let alerting: Alerting;
  let url: string;
  const post = (path: string, body: unknown): Promise<Response> => fetch(`${url}${path}`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(body) });
  const error = async (response: Response): Promise<string> => ((await response.json()) as { error: string }).error;

  beforeAll(async () => {
    handle = await startTelemetry({ serviceName: 'api-validation', server: { port: 0 }, runtimeMetrics: false, env: {}, logger: createLogger({ level: 'silent' }) });
    alerting = await startAlerting(handle, { rules: [], incidents: { path: join(await mkdtemp(join(tmpdir(), 'api-validation-')), 'incidents.jsonl') } });
    url = handle.url ?? '';
  });
  afterAll(async () => handle.shutdown());

  it('a governor override needs a finite, positive duration (minutes "forever" made the expiry NaN)', async () => {
    for (const minutes of ['forever', -5, 0, 1e308, null]) {
      const answer = await post('/api/governor', { state: 'halted', minutes });
      expect(answer.status, String(minutes)).toBe(400);
      expect(await error(answer)).toMatch(/^body field minutes /);
    }
    expect(alerting.governor.state).toBe('normal');
    expect((await post('/api/governor', { state: 'halted', minutes: 1 })).status).toBe(200);
    expect((await post('/api/governor', { state: 'auto' })).status).toBe(200);
  });

  it('silences: capped lifetime, comment and matchers; matchers must be strings in an object', async () => {
    const cases: [unknown, RegExp][] = [
      [{ matchers: { rule: 'x' }, durationMinutes: 1e308 }, /^body field durationMinutes /],
      [{ matchers: { rule: 'x' }, comment: 'x'.repeat(2048) }, /^body field comment /],
      [{ matchers: { rule: 42 } }, /^body field matchers\.rule /],
      [{ matchers: ['rule', 'x'] }, /^body field matchers /],
      [{ matchers: {} }, /matchers/],
      [{ matchers: { rule: 'x' }, extra: true }, /^body field extra is not an option/],
    ];
    for (const [body, message] of cases) {
      const answer = await post('/api/silences', body);
      expect(answer.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(await error(answer)).toMatch(message);
    }
    // A 64 KiB comment does not even get read: the body is over the server's limit.
    expect((await post('/api/silences', { matchers: { rule: 'x' }, comment: 'x'.repeat(64 * 1024) })).status).toBe(413);
    expect(alerting.engine.silences.active(Date.now())).toEqual([]);
  });

  it('at most 100 silences are active (1000 grew RSS by 150 MB); DELETE removes one', async () => {
    const created: string[] = [];
    for (let i = 0; i < 100; i++) {
      const answer = await post('/api/silences', { matchers: { rule: `rule_${i}` }, comment: 'c'.repeat(100) });
      expect(answer.status).toBe(201);
      created.push(((await answer.json()) as { id: string }).id);
    }
    const refused = await post('/api/silences', { matchers: { rule: 'one_too_many' } });
    expect(refused.status).toBe(409);
    expect(await error(refused)).toContain('DELETE /api/silences/<id>');
    const deleted = await fetch(`${url}/api/silences/${created[0] ?? ''}`, { method: 'DELETE', headers: JSON_TYPE, body: '{}' });
    expect(deleted.status).toBe(200);
    expect((await fetch(`${url}/api/silences/${created[0] ?? ''}`, { method: 'DELETE', headers: JSON_TYPE, body: '{}' })).status).toBe(404);
    expect((await post('/api/silences', { matchers: { rule: 'fits_again' } })).status).toBe(201);
    const alerts = await fetch(`${url}/api/alerts`);
    expect((await alerts.text()).length).toBeLessThan(64 * 1024);
    for (const id of created.slice(1)) await fetch(`${url}/api/silences/${id}`, { method: 'DELETE', headers: JSON_TYPE, body: '{}' });
  });

  it('/api/incidents validates limit (0, -1 and abc returned everything)', async () => {
    for (const limit of ['0', '-1', 'abc', '1.5', '100000']) {
      const answer = await fetch(`${url}/api/incidents?limit=${limit}`);
      expect(answer.status, limit).toBe(400);
      expect(await error(answer)).toMatch(/^query parameter limit /);
    }
    expect((await fetch(`${url}/api/incidents?limit=5&kind=bogus`)).status).toBe(400);
    expect((await fetch(`${url}/api/incidents?limit=5`)).status).toBe(200);
  });

  it('a malformed path segment is a 400 that says so (an alert id %zz was a bare 500)', async () => {
    const answer = await post('/api/alerts/%zz/ack', {});
    expect(answer.status).toBe(400);
    expect(await error(answer)).toContain('malformed percent-encoding');
    expect((await post('/api/alerts/no_such_alert/ack', {})).status).toBe(404);
  });
});
