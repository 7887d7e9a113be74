import { readBody, type TelemetryServer } from '../server/telemetry-server.js';
import { sendJson } from '../server/json.js';
import type { Severity } from './alert-types.js';
import type { Alerting } from './create-alerting.js';
import type { IncidentKind } from './incident-log.js';

/**
 * The alerting API: `GET /api/alerts` (alerts, silences, governor), `POST /api/alerts/<id>/ack`,
 * `POST /api/silences`, `GET /api/incidents?since&rule&severity&kind&correlationId&limit` and
 * `POST /api/governor` (a manual override).
 */
export function mountAlertingRoutes(server: TelemetryServer, alerting: Alerting): void {
  const { engine, governor, incidents } = alerting;
  const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
  const json = async (req: Parameters<Parameters<TelemetryServer['route']>[1]>[0]): Promise<Record<string, unknown>> => {
    const body = await readBody(req, server.maxBodyBytes);
    const parsed: unknown = body === '' ? {} : JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) throw Object.assign(new Error('body must be a JSON object'), { status: 400 });
    return parsed as Record<string, unknown>;
  };
  server.route('/api/alerts', (_req, res) =>
    sendJson(res, 200, { alerts: engine.alerts().filter((a) => a.state !== 'inactive'), silences: engine.silences.active(Date.now()), governor: { state: governor.state, reason: governor.reason } }),
  );
  server.route('/api/alerts/*', async (req, res) => {
    const match = /^\/api\/alerts\/([^/]+)\/ack$/.exec((req.url ?? '').split('?', 1)[0] ?? '');
    if (match?.[1] === undefined) return sendJson(res, 404, { error: 'use POST /api/alerts/<id>/ack' });
    const body = await json(req).catch((): Record<string, unknown> => ({}));
    const by = typeof body.by === 'string' ? body.by : 'api';
    const ok = engine.acknowledge(decodeURIComponent(match[1]), by);
    sendJson(res, ok ? 200 : 404, ok ? { acknowledged: match[1], by } : { error: `no unacknowledged firing alert ${match[1]}` });
  }, { methods: ['POST'] });
  server.route('/api/silences', async (req, res) => {
    try {
      const body = await json(req);
      const matchers = body.matchers;
      const minutes = Number(body.durationMinutes ?? 60);
      if (typeof matchers !== 'object' || matchers === null || !(minutes > 0)) throw new Error('give matchers (an object) and durationMinutes > 0');
      const silence = engine.silences.add(matchers as Record<string, string>, Date.now() + minutes * 60_000, text(body.comment, ''), text(body.createdBy, 'api'));
      incidents.record({ at: Date.now(), kind: 'silenced', rule: text((matchers as Record<string, unknown>).rule, '*'), severity: 'info', message: `silenced for ${minutes} min: ${silence.comment}`, by: silence.createdBy });
      sendJson(res, 201, silence);
    } catch (error) {
      sendJson(res, (error as { status?: number }).status ?? 400, { error: (error as Error).message });
    }
  }, { methods: ['POST'] });
  server.route('/api/incidents', (req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').searchParams;
    const number = (name: string): number | undefined => (p.has(name) ? Number(p.get(name)) : undefined);
    const since = number('since');
    const until = number('until');
    const limit = number('limit');
    sendJson(res, 200, {
      incidents: incidents.query({
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
        ...(limit === undefined ? {} : { limit }),
        ...(p.has('rule') ? { rule: p.get('rule') ?? '' } : {}),
        ...(p.has('severity') ? { severity: p.get('severity') as Severity } : {}),
        ...(p.has('kind') ? { kind: p.get('kind') as IncidentKind } : {}),
        ...(p.has('correlationId') ? { correlationId: p.get('correlationId') ?? '' } : {}),
      }),
      corruptedLines: incidents.corruptedLines,
    });
  });
  server.route('/api/governor', async (req, res) => {
    try {
      const body = await json(req);
      const state = body.state;
      if (state === 'auto') governor.clearOverride();
      else if (state === 'normal' || state === 'throttled' || state === 'halted') governor.override(state, text(body.reason, 'operator'), Date.now() + Number(body.minutes ?? 60) * 60_000);
      else throw new Error('state must be normal, throttled, halted or auto');
      sendJson(res, 200, { state: governor.state, reason: governor.reason });
    } catch (error) {
      sendJson(res, 400, { error: (error as Error).message });
    }
  }, { methods: ['POST'] });
}
