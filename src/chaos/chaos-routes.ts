import type { IncomingMessage } from 'node:http';
import { sendJson } from '../server/json.js';
import type { TelemetryServer } from '../server/telemetry-server.js';
import { holdHeap, megabytesToHeapShare, repeatStalls, type RunningFault } from './process-faults.js';

/** A query parameter as a number within [min, max], or the reason it is not one. */
function numberParam(req: IncomingMessage, name: string, fallback: number, min: number, max: number): number | string {
  const raw = new URL(req.url ?? '/', 'http://x').searchParams.get(name);
  const value = raw === null ? fallback : Number(raw);
  return Number.isFinite(value) && value >= min && value <= max ? value : `${name} must be a number from ${min} to ${max}, got ${String(raw)}`;
}

/**
 * Fault injection into the process itself, for chaos drills (`trading-telemetry chaos`):
 * `POST /chaos/stall?millis=300&every=500` stalls the event loop repeatedly,
 * `POST /chaos/heap?share=0.84` fills the V8 heap to that share of its limit, and
 * `POST /chaos/heal` ends both. Mount it only where drills are wanted (the example bot does
 * when `TRADING_TELEMETRY_CHAOS=1`); the routes need the server's token like every /api route.
 * Returns a function that ends any running fault (call it at shutdown).
 */
export function mountChaosRoutes(server: TelemetryServer): () => void {
  const running = new Map<'stall' | 'heap', RunningFault>();
  const stop = (kind: 'stall' | 'heap'): void => {
    running.get(kind)?.stop();
    running.delete(kind);
  };
  const heal = (): void => {
    stop('stall');
    stop('heap');
  };
  const post = { methods: ['POST'] };
  server.route(
    '/chaos/stall',
    (req, res) => {
      const millis = numberParam(req, 'millis', 300, 1, 10_000);
      const every = numberParam(req, 'every', 500, 10, 60_000);
      if (typeof millis === 'string' || typeof every === 'string') return sendJson(res, 400, { error: [millis, every].filter((v) => typeof v === 'string').join('; ') });
      stop('stall');
      running.set('stall', repeatStalls(millis, every));
      sendJson(res, 200, { fault: 'stall', millis, every });
    },
    post,
  );
  server.route(
    '/chaos/heap',
    (req, res) => {
      const share = numberParam(req, 'share', 0.84, 0, 0.97);
      if (typeof share === 'string') return sendJson(res, 400, { error: share });
      stop('heap'); // measured from what the process holds without the drill
      const megabytes = megabytesToHeapShare(share);
      running.set('heap', holdHeap(megabytes));
      sendJson(res, 200, { fault: 'heap', share, megabytes });
    },
    post,
  );
  server.route(
    '/chaos/heal',
    (_req, res) => {
      const healed = [...running.keys()];
      heal();
      sendJson(res, 200, { healed });
    },
    post,
  );
  return heal;
}
