/**
 * A failure a route answers with: the HTTP status, a message for the client (sent as
 * `{"error": message}`), and headers such as `Allow` or `Retry-After`. Routes throw it; the
 * server turns it into the response. Anything else a route throws is a 500.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}
