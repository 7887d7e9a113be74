/** A rendered response: its status, headers and body bytes. */
export interface CachedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

interface Entry {
  readonly at: number;
  readonly response: Promise<CachedResponse>;
}

/**
 * Renders of idempotent GET routes, shared: requests for the same URL within `ttlMillis` get the
 * same bytes, and requests that arrive while a render runs wait for it (single flight), so render
 * cost is bounded per second whatever the request rate. At most `maxEntries` URLs are held (the
 * oldest goes first), so random query strings cannot grow it.
 */
export class ResponseCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  constructor(maxEntries = 64) {
    this.#maxEntries = maxEntries;
  }

  /** Forgets every render: after a state change, the next read renders anew. */
  clear(): void {
    this.#entries.clear();
  }

  /** The response for `key`: a fresh one from `render`, or one rendered less than `ttlMillis` ago. */
  get(key: string, ttlMillis: number, render: () => Promise<CachedResponse>): Promise<CachedResponse> {
    const now = performance.now();
    const entry = this.#entries.get(key);
    if (entry !== undefined && now - entry.at < ttlMillis) return entry.response;
    const response = render();
    this.#entries.delete(key);
    this.#entries.set(key, { at: now, response });
    // A failed render is not kept: the next request tries again.
    response.catch(() => this.#entries.delete(key));
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return response;
  }
}
