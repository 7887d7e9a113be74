import { createServer, type Server } from 'node:http';

/** What the receiver does with the next request. */
export type ReceiverMode = 'ok' | 'unavailable' | 'too_many' | 'hang';

/** One exported span as the receiver decoded it from OTLP/JSON. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  /** The W3C tracestate, '' when none. */
  readonly traceState: string;
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  /** Span events; `timeUnixNano` in epoch nanoseconds. */
  readonly events: readonly { name: string; attributes: Record<string, unknown>; timeUnixNano: bigint }[];
  readonly status: { code?: number; message?: string };
  readonly serviceName: string | undefined;
  /** Epoch nanoseconds, as OTLP carries them. */
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  attributes?: OtlpKeyValue[];
  events?: { name: string; attributes?: OtlpKeyValue[]; timeUnixNano?: string | number }[];
  status?: { code?: number; message?: string };
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
}
interface OtlpTraceRequest {
  resourceSpans?: { resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

function flatten(attributes: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of attributes ?? []) {
    out[key] = value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)) ?? value.doubleValue ?? value.boolValue;
  }
  return out;
}

/**
 * A local OTLP/HTTP trace receiver on 127.0.0.1 that decodes the JSON encoding (what
 * @opentelemetry/exporter-trace-otlp-http sends) and can be told to fail or hang.
 */
export class OtlpReceiver {
  mode: ReceiverMode = 'ok';
  readonly spans: ReceivedSpan[] = [];
  /** Every request body as received (traces and logs), for tests that search all of it. */
  readonly bodies: string[] = [];
  requests = 0;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(port = 0): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        receiver.requests++;
        if (receiver.mode === 'hang') return;
        if (receiver.mode !== 'ok') {
          res.writeHead(receiver.mode === 'unavailable' ? 503 : 429, { 'retry-after': '0' }).end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        receiver.bodies.push(body);
        if (req.url === '/v1/traces') receiver.#decode(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    const address = this.#server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #decode(body: string): void {
    const request = JSON.parse(body) as OtlpTraceRequest;
    for (const resourceSpans of request.resourceSpans ?? []) {
      const serviceName = flatten(resourceSpans.resource?.attributes)['service.name'];
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            traceState: span.traceState ?? '',
            name: span.name,
            attributes: flatten(span.attributes),
            events: (span.events ?? []).map((e) => ({ name: e.name, attributes: flatten(e.attributes), timeUnixNano: BigInt(e.timeUnixNano ?? 0) })),
            status: span.status ?? {},
            serviceName: typeof serviceName === 'string' ? serviceName : undefined,
            startTimeUnixNano: BigInt(span.startTimeUnixNano ?? 0),
            endTimeUnixNano: BigInt(span.endTimeUnixNano ?? 0),
          });
        }
      }
    }
  }
}
