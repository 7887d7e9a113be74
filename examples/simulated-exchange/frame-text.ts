import type { RawData } from 'ws';

/** The text of a WebSocket frame, whichever form `ws` delivered it in (a Buffer by default). */
export function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}
