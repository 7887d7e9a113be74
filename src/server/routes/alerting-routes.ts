import { z } from 'zod';
import type { Alerting } from '../../alerting/create-alerting.js';
import { INCIDENT_KINDS } from '../../alerting/incident-log.js';
import { SILENCE_LIMITS } from '../../alerting/silences.js';
import { HttpError } from '../http-error.js';
import type { TelemetryServer } from '../telemetry-server.js';

const SEVERITIES = ['info', 'warning', 'critical'] as const;
const name = z.string().min(1).max(128);

const ackBody = z.strictObject({ by: name.optional() });
const silenceBody = z.strictObject({
  matchers: z
    .record(z.string().min(1).max(64), z.string().max(SILENCE_LIMITS.maxMatcherValueLength))
    .refine((m) => Object.keys(m).length >= 1 && Object.keys(m).length <= SILENCE_LIMITS.maxMatchers, `needs 1 to ${SILENCE_LIMITS.maxMatchers} matchers`),
  durationMinutes: z.number().positive().max(SILENCE_LIMITS.maxDurationMinutes).default(60),
  comment: z.string().max(SILENCE_LIMITS.maxCommentLength).default(''),
  createdBy: name.default('api'),
});
const governorBody = z.strictObject({
  state: z.enum(['normal', 'throttled', 'halted', 'auto']),
  reason: z.string().max(256).default('operator'),
  minutes: z.number().positive().max(7 * 24 * 60).default(60),
});
const incidentsQuery = z.strictObject({
  since: z.coerce.number().optional(),
  until: z.coerce.number().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  rule: name.optional(),
  severity: z.enum(SEVERITIES).optional(),
  kind: z.enum(INCIDENT_KINDS).optional(),
  correlationId: z.string().min(1).max(256).optional(),
});

/**
 * The alerting API: `GET /api/alerts` (alerts, silences, governor, the trading day's P&L and the
 * drawdown), `POST /api/alerts/<id>/ack`,
 * `POST /api/silences`, `DELETE /api/silences/<id>`, `GET /api/incidents?since&until&rule&severity&kind&correlationId&limit`
 * and `POST /api/governor` (a manual override, or `auto`). Bodies and queries are validated by
 * their schemas; anything else is a 400 naming the field. The routes that create incidents
 * answer once the incident is synced to disk, and say whether it was (`persisted`).
 */
export function mountAlertingRoutes(server: TelemetryServer, alerting: Alerting): void {
  const { engine, governor, incidents } = alerting;
  // GET answers are shared for half a second: a poll flood costs one render per URL per half second.
  const cached = { cacheMillis: 500 };
  server.route(
    'GET',
    '/api/alerts',
    (ctx) =>
      ctx.json(200, {
        alerts: engine.alerts().filter((a) => a.state !== 'inactive'),
        silences: engine.silences.active(Date.now()),
        governor: { state: governor.state, reason: governor.reason, blocks: governor.blocks() },
        risk: alerting.risk.view() ?? null,
      }),
    cached,
  );
  server.route('POST', '/api/alerts/:id/ack', async (ctx) => {
    const id = ctx.param('id');
    const { by = 'api' } = await ctx.body(ackBody);
    if (!engine.acknowledge(id, by)) throw new HttpError(404, `no unacknowledged firing alert ${id}`);
    // Answer once the acknowledgement is in the incident history on disk: an answered action survives a crash.
    ctx.json(200, { acknowledged: id, by, persisted: await incidents.durable() });
  });
  server.route('POST', '/api/silences', async (ctx) => {
    const body = await ctx.body(silenceBody);
    const silence = engine.silences.add(body.matchers, Date.now() + body.durationMinutes * 60_000, body.comment, body.createdBy);
    if (silence === undefined) throw new HttpError(409, `at most ${SILENCE_LIMITS.maxSilences} silences are active; delete one first (DELETE /api/silences/<id>)`);
    incidents.record({ at: Date.now(), kind: 'silenced', rule: body.matchers.rule ?? '*', severity: 'info', message: `silence ${silence.id} for ${body.durationMinutes} min: ${silence.comment}`, by: silence.createdBy });
    ctx.json(201, { ...silence, persisted: await incidents.durable() });
  });
  server.route('DELETE', '/api/silences/:id', (ctx) => {
    const id = ctx.param('id');
    if (!engine.silences.remove(id)) throw new HttpError(404, `no active silence ${id}`);
    ctx.json(200, { deleted: id });
  });
  server.route('GET', '/api/incidents', (ctx) => {
    const query = ctx.query(incidentsQuery);
    ctx.json(200, { incidents: incidents.query(query), corruptedLines: incidents.corruptedLines });
  }, cached);
  server.route('POST', '/api/governor', async (ctx) => {
    const body = await ctx.body(governorBody);
    if (body.state === 'auto') governor.clearOverride();
    else governor.override(body.state, body.reason, Date.now() + body.minutes * 60_000);
    ctx.json(200, { state: governor.state, reason: governor.reason, persisted: await incidents.durable() });
  });
}
