/** One server-sent event. */
export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * Reads server-sent events from `url` until `signal` aborts or the stream ends, handing each
 * complete event to `onEvent`. Comment lines (heartbeats) are skipped.
 */
export async function readEventStream(url: string, headers: Record<string, string>, onEvent: (event: ServerSentEvent) => void, signal?: AbortSignal): Promise<void> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, ...(signal === undefined ? {} : { signal }) });
  if (!response.ok || response.body === null) throw new Error(`${url}: HTTP ${response.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      let event = 'message';
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) onEvent({ event, data: data.join('\n') });
    }
  }
}
