import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { redactSecrets } from '../secrets.js';
import { firstIssue } from '../validation/issues.js';
import { HttpError } from './http-error.js';

/** Where a reply goes: straight to the socket, or into the response cache. */
export type ReplySink = (status: number, headers: Readonly<Record<string, string>>, body: string | Buffer) => void;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;

/** A JSON body with every secret redacted: no API response carries one, in any shape. */
export function jsonBody(body: unknown): string {
  return JSON.stringify(redactSecrets(body));
}

/** Answers with `body` as JSON (never cached by clients: it is live data), secrets redacted. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { ...JSON_HEADERS, ...headers });
  res.end(jsonBody(body));
}

/** The sink that writes to `res`. */
export function socketSink(res: ServerResponse): ReplySink {
  return (status, headers, body) => {
    res.writeHead(status, headers).end(body);
  };
}

/**
 * One request as a route sees it: the path captures (decoded once), the query, the JSON body
 * validated by a zod schema, and replies. Invalid input throws {@link HttpError} 400 naming the
 * parameter or field, so each route declares its contract once, as a schema.
 */
export class RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The path without the query, exactly as requested. */
  readonly path: string;
  /** The `:name` captures of the route pattern, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly #search: string;
  readonly #maxBodyBytes: number;
  readonly #reply: ReplySink;

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    target: { readonly path: string; readonly search: string; readonly params: Readonly<Record<string, string>> },
    maxBodyBytes: number,
    reply: ReplySink = socketSink(res),
  ) {
    this.req = req;
    this.res = res;
    this.path = target.path;
    this.#search = target.search;
    this.params = target.params;
    this.#maxBodyBytes = maxBodyBytes;
    this.#reply = reply;
  }

  /** A capture of the route pattern (`:id` → `param('id')`). */
  param(name: string): string {
    return this.params[name] ?? '';
  }

  /**
   * The query string as an object of strings, validated by `schema` (use `z.coerce` or
   * transforms for numbers). A repeated parameter keeps its last value.
   * @throws HttpError 400 naming the parameter.
   */
  query<S extends z.ZodType>(schema: S): z.output<S> {
    let values: Record<string, string>;
    try {
      values = Object.fromEntries(new URLSearchParams(this.#search));
    } catch {
      throw new HttpError(400, 'malformed query string');
    }
    return validate(schema, values, 'query parameter ');
  }

  /**
   * The request body: read up to the server's limit, parsed as JSON (an empty body is `{}`) and
   * validated by `schema`.
   * @throws HttpError 413 past the limit, 400 for malformed JSON or a value `schema` refuses.
   */
  async body<S extends z.ZodType>(schema: S): Promise<z.output<S>> {
    const text = await readBody(this.req, this.#maxBodyBytes);
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new HttpError(400, 'the body is not valid JSON');
    }
    return validate(schema, parsed, 'body field ');
  }

  /** Answers `status` with `body` as JSON, secrets redacted. */
  json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
    this.#reply(status, { ...JSON_HEADERS, ...headers }, jsonBody(body));
  }

  /** Answers `status` with plain text (or `contentType`). */
  text(status: number, body: string | Buffer, contentType = 'text/plain; charset=utf-8', headers: Readonly<Record<string, string>> = {}): void {
    this.#reply(status, { 'content-type': contentType, ...headers }, body);
  }
}

function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = firstIssue(schema, result.error, value, '');
  throw new HttpError(400, issue.where === 'value' ? `body ${issue.message}` : `${what}${issue.where} ${issue.message}`);
}

/** Reads a request body of at most `maxBytes`. @throws HttpError 413 past it. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `body over ${maxBytes} bytes`, { connection: 'close' });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
