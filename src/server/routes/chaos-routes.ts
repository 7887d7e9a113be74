import { z } from 'zod';
import { holdHeap, megabytesToHeapShare, repeatStalls, type RunningFault } from '../../chaos/process-faults.js';
import type { TelemetryServer } from '../telemetry-server.js';

const stallQuery = z.strictObject({
  millis: z.coerce.number().int().min(1).max(10_000).default(300),
  every: z.coerce.number().int().min(10).max(60_000).default(500),
});
const heapQuery = z.strictObject({ share: z.coerce.number().min(0).max(0.97).default(0.84) });

/**
 * Fault injection into the process itself, for chaos drills (`trading-telemetry chaos`):
 * `POST /chaos/stall?millis=300&every=500` stalls the event loop repeatedly,
 * `POST /chaos/heap?share=0.84` fills the V8 heap to that share of its limit, and
 * `POST /chaos/heal` ends both. startTelemetry mounts them only when
 * `TRADING_TELEMETRY_CHAOS=1`; they need the server's token like every /api route.
 * Returns a function that ends any running fault (called at shutdown).
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
  server.route('POST', '/chaos/stall', (ctx) => {
    const { millis, every } = ctx.query(stallQuery);
    stop('stall');
    running.set('stall', repeatStalls(millis, every));
    ctx.json(200, { fault: 'stall', millis, every });
  });
  server.route('POST', '/chaos/heap', (ctx) => {
    const { share } = ctx.query(heapQuery);
    stop('heap'); // measured from what the process holds without the drill
    const megabytes = megabytesToHeapShare(share);
    running.set('heap', holdHeap(megabytes));
    ctx.json(200, { fault: 'heap', share, megabytes });
  });
  server.route('POST', '/chaos/heal', (ctx) => {
    const healed = [...running.keys()];
    heal();
    ctx.json(200, { healed });
  });
  return heal;
}
