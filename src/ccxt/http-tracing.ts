import { type Attributes, context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { SpanAttr } from '../conventions.js';
import { currentCall, currentScope, type RequestScope, type ResponseScope, runInScope } from './call-scope.js';
import { finite, isObject, type Method } from './ccxt-shapes.js';
import { errorClassOf } from './error-classes.js';
import type { InstrumentationContext } from './instrumentation-context.js';
import { patchMethod, whenSettled } from './method-patch.js';
import { headerEntries } from './rate-limit-headers.js';

/** OpenTelemetry's `url.template` (incubating): the path with its parameters as placeholders. */
const ATTR_URL_TEMPLATE = 'url.template';

/** Scheme and authority of a URL: what is cut from a ccxt base URL (`https://api.{hostname}/api/v3`) to leave its path. */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

/** The path of `url`, without the query (which holds the signature) or the fragment. */
function pathOf(url: string): string {
  const path = url.replace(ORIGIN, '').replace(/[?#].*$/s, '');
  return path === '' ? '/' : path;
}

/** Where a request goes: `server.address` and `server.port`. */
interface Server {
  readonly address: string | undefined;
  readonly port: number | undefined;
}

/** Host and port of `url`. */
function parseServer(url: string): Server {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?/i.exec(url);
  if (match === null) return { address: undefined, port: undefined };
  const [, scheme = '', host = '', port] = match;
  const defaultPort = scheme.toLowerCase() === 'https' ? 443 : 80;
  return { address: host.replace(/^\[|\]$/g, ''), port: port === undefined ? defaultPort : Number(port) };
}

const servers = new Map<string, Server>();

/** {@link parseServer}, remembered per origin (a bot talks to a handful). */
function serverOf(url: string): Server {
  const origin = ORIGIN.exec(url)?.[0] ?? '';
  let server = servers.get(origin);
  if (server === undefined) {
    server = parseServer(origin);
    if (servers.size < 100) servers.set(origin, server);
  }
  return server;
}

/**
 * The path template of a request ccxt's `fetch2(path, api)` sends: the path of the API group's
 * base URL (`urls.api[api]`) and the endpoint's own path with its `{placeholders}`, e.g.
 * `/api/v3/order`, `/v5/order/{orderId}`. Cached per group and path.
 */
function templateOf(ctx: InstrumentationContext, cache: Map<string, string>, path: unknown, api: unknown): string {
  const endpoint = typeof path === 'string' ? path.replace(/^\/+/, '') : '';
  const group = typeof api === 'string' ? api : Array.isArray(api) ? api.join('.') : '';
  const key = `${group}\u001f${endpoint}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const urls = ctx.exchange.urls;
  const apis = isObject(urls) ? urls.api : undefined;
  const base = isObject(apis) && typeof api === 'string' ? apis[api] : typeof apis === 'string' ? apis : undefined;
  const prefix = typeof base === 'string' ? pathOf(base).replace(/\/+$/, '') : '';
  const template = `${prefix}/${endpoint}`;
  if (cache.size < 1000) cache.set(key, template);
  return template;
}

/** `fetch2`: one request of a unified call, sent once plus its retries. Notes its template for the HTTP spans. */
function traceRequest(ctx: InstrumentationContext): (original: Method) => Method {
  const templates = new Map<string, string>();
  return (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      let request: RequestScope;
      try {
        request = { template: templateOf(ctx, templates, args[0], args[1] ?? 'public'), attempts: 0, throttleWaitSeconds: undefined };
      } catch (error) {
        ctx.report(error);
        return original.apply(this, args);
      }
      return runInScope({ call: currentScope()?.call, request, response: undefined }, context.active(), () => original.apply(this, args));
    };
}

/** `throttle(cost)`: ccxt's rate limiter. Counts the cost against its rate, and times the wait. */
function timeThrottle(ctx: InstrumentationContext): (original: Method) => Method {
  return (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const startedAt = performance.now();
      const request = currentScope()?.request;
      try {
        ctx.venue.rateLimits.throttle(ctx.exchange, args[0]);
      } catch (error) {
        ctx.report(error);
      }
      return whenSettled(original.apply(this, args), () => {
        const seconds = (performance.now() - startedAt) / 1000;
        ctx.venue.metrics.throttleWait(ctx.venue.exchange, seconds);
        if (request !== undefined) request.throttleWaitSeconds = seconds;
      }, ctx.report);
    };
}

/**
 * `fetch(url, method, headers, body)`: one HTTP request. It becomes a client span (method, path
 * template, server, status, resend count; never the signed query or the headers), a child of
 * the unified call. ccxt's transport runs with tracing suppressed, so an undici or http
 * instrumentation of the user's SDK does not trace the same request again.
 */
function traceFetch(ctx: InstrumentationContext): (original: Method) => Method {
  return (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const store = currentScope();
      let response: ResponseScope;
      let run: () => unknown;
      let span: ReturnType<typeof ctx.tracer.startSpan>;
      try {
        const [url, method] = args;
        const href = typeof url === 'string' ? url : '';
        const verb = typeof method === 'string' ? method.toUpperCase() : 'GET';
        const request = store?.request;
        const attempt = request === undefined ? 0 : request.attempts++;
        const call = currentCall();
        const parent = call?.context ?? context.active();
        const template = request?.template ?? pathOf(href);
        const server = serverOf(href);
        // Built field by field: on Node 20 a spread into a literal costs more than the rest of this wrapper.
        const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: verb, [ATTR_URL_TEMPLATE]: template, [ATTR_SERVER_ADDRESS]: server.address, [ATTR_SERVER_PORT]: server.port };
        if (attempt > 0) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = attempt;
        if (request?.throttleWaitSeconds !== undefined && attempt === 0) attributes[SpanAttr.throttleWait] = request.throttleWaitSeconds;
        span = ctx.tracer.startSpan(`${verb} ${template}`, { kind: SpanKind.CLIENT, attributes }, parent);
        const order = call?.order;
        if (order !== undefined && (order.trace.stage === 'created' || order.trace.stage === 'risk_checked')) order.trace.sent();
        response = { status: undefined, sentAt: ctx.venue.internals.clock() };
        const transport = suppressTracing(trace.setSpan(parent, span));
        run = () => runInScope({ call: store?.call, request, response }, transport, () => original.apply(this, args));
      } catch (error) {
        ctx.report(error);
        return original.apply(this, args);
      }
      return whenSettled(run(), (failed, outcome) => {
        const status = response.status;
        if (status !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        if (failed || (status !== undefined && status >= 400)) {
          const errorType = status !== undefined && status >= 400 ? String(status) : errorClassOf(outcome);
          span.setAttribute(ATTR_ERROR_TYPE, errorType);
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
        }
        span.end();
      }, ctx.report);
    };
}

/** The latest `Date` header text and its time: within a second, every response repeats it. */
let lastDate = { text: '', time: Number.NaN };

/** The `Date` header of a response (undici's plain object or a fetch `Headers`), epoch ms. */
function dateOf(headers: unknown): number | undefined {
  if (!isObject(headers)) return undefined;
  const value = typeof headers.get === 'function' ? (headers as { get(name: string): unknown }).get('date') : headers.date;
  if (typeof value !== 'string') return undefined;
  if (value !== lastDate.text) lastDate = { text: value, time: Date.parse(value) };
  return Number.isFinite(lastDate.time) ? lastDate.time : undefined;
}

/** A `Date` header's resolution: whole seconds. */
const DATE_RESOLUTION_MILLIS = 1_000;

/** Responses whose body carries the exchange's time to the ms (`serverTime`: Binance's time and exchangeInfo). */
function statesTime(template: string): boolean {
  return template.endsWith('/time') || template.endsWith('/exchangeInfo');
}

/**
 * `handleRestResponse(response, url, …)`: the response as it arrived. Reads its status and
 * rate-limit headers, and the exchange's clock: its `Date` header, and a body's `serverTime`,
 * against the request's round trip.
 */
function readResponse(ctx: InstrumentationContext): (original: Method) => Method {
  return (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      let template: string | undefined;
      let sentAt: number | undefined;
      let receivedAt = 0;
      try {
        const [response, url] = args;
        const store = currentScope();
        receivedAt = ctx.venue.internals.clock();
        const status = isObject(response) ? finite(response.status) : undefined;
        if (store?.response !== undefined) {
          store.response.status = status;
          sentAt = store.response.sentAt;
        }
        template = store?.request?.template ?? pathOf(typeof url === 'string' ? url : '');
        if (status !== undefined && isObject(response)) {
          ctx.venue.rateLimits.response(status, headerEntries(response.headers), template);
          const date = dateOf(response.headers);
          if (date !== undefined && sentAt !== undefined) ctx.venue.clock.response(date, sentAt, receivedAt, DATE_RESOLUTION_MILLIS);
        }
      } catch (error) {
        ctx.report(error);
      }
      const result = original.apply(this, args);
      const bodyOf = template;
      const limits = bodyOf !== undefined && ctx.venue.rateLimits.readsBody(bodyOf);
      const time = bodyOf !== undefined && sentAt !== undefined && statesTime(bodyOf);
      if (!limits && !time) return result;
      const sent = sentAt ?? 0;
      return whenSettled(result, (failed, body) => {
        if (failed) return;
        if (limits) ctx.venue.rateLimits.body(body);
        const serverTime = time && isObject(body) ? finite(body.serverTime) : undefined;
        if (serverTime !== undefined) ctx.venue.clock.response(serverTime, sent, receivedAt);
      }, ctx.report);
    };
}

/** Instruments the HTTP layer of ccxt's `exchange`: `fetch2`, `throttle`, `fetch` and `handleRestResponse`. */
export function traceHttp(ctx: InstrumentationContext, aliases: (name: string) => string[]): void {
  const exchange = ctx.exchange;
  patchMethod(exchange, 'fetch2', traceRequest(ctx), aliases('fetch2'));
  patchMethod(exchange, 'throttle', timeThrottle(ctx), aliases('throttle'));
  patchMethod(exchange, 'fetch', traceFetch(ctx), aliases('fetch'));
  patchMethod(exchange, 'handleRestResponse', readResponse(ctx), aliases('handleRestResponse'));
}
