import { currentCall, outsideScopes } from './call-scope.js';
import { isObject, type Method, type WsClientObject } from './ccxt-shapes.js';
import { errorClassOf } from './error-classes.js';
import type { InstrumentationContext } from './instrumentation-context.js';
import { isThenable, patchMethod, whenSettled } from './method-patch.js';

/** The symbol of `symbols` that the message hash `hash` names (`orderbook::BTC/USDT`), the only one, or none. */
function symbolOfHash(hash: string, symbols: readonly string[]): string | undefined {
  if (symbols.length === 1) return symbols[0];
  let best: string | undefined;
  for (const symbol of symbols) if (hash.includes(symbol) && symbol.length > (best?.length ?? 0)) best = symbol;
  return best;
}

/** Does nothing with what it is given. */
function ignore(): void {}

/** Runs `fn` and then `after`, which is the instrumentation's own code (reported, never thrown). */
function thenObserve(ctx: InstrumentationContext, fn: () => unknown, after: () => void): unknown {
  const result = fn();
  try {
    after();
  } catch (error) {
    ctx.report(error);
  }
  return result;
}

/**
 * Watches one ccxt WebSocket client: the futures a watch call waits on name its subscriptions,
 * every update it resolves counts as a message, what it rejects can be a book's sequence gap, and its connection is made outside any call's
 * context (its sockets outlive the watch call that dialled them, and what ccxt later does on
 * their messages, a book snapshot fetch, belongs to no call of the bot).
 */
function watchClient(ctx: InstrumentationContext, client: WsClientObject): void {
  const streams = ctx.venue.streams;
  patchMethod(client, 'future', (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const future = original.apply(this, args);
      try {
        // ccxt rejects some futures no caller awaits (a refused user-data subscription rejects its
        // authentication future too): in plain Node that rejection would end the process. Marked
        // handled here; every caller awaiting the future still gets the rejection.
        if (isThenable(future)) future.then(undefined, ignore);
        const call = currentCall();
        const [hash] = args;
        if (call?.stream !== undefined && typeof hash === 'string') streams.subscribe(client.url, hash, call.stream, symbolOfHash(hash, call.symbols));
      } catch (error) {
        ctx.report(error);
      }
      return future;
    },
  );
  patchMethod(client, 'resolve', (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const [result, hash] = args;
      try {
        if (typeof hash === 'string') streams.message(client.url, hash, result);
      } catch (error) {
        ctx.report(error);
      }
      return original.apply(this, args);
    },
  );
  patchMethod(client, 'reject', (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const [error, hash] = args;
      try {
        if (typeof hash === 'string') streams.rejected(client.url, hash, errorClassOf(error));
      } catch (failure) {
        ctx.report(failure);
      }
      return original.apply(this, args);
    },
  );
  patchMethod(client, 'connect', (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      return outsideScopes(() => original.apply(this, args));
    },
  );
}

/** Calls `original`, then tells the stream registry what happened to the client it names. */
function onClient(ctx: InstrumentationContext, event: (client: WsClientObject, args: readonly unknown[]) => void): (original: Method) => Method {
  return (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      return thenObserve(ctx, () => original.apply(this, args), () => {
        const [client] = args;
        if (isObject(client) && typeof client.url === 'string') event(client as WsClientObject, args);
      });
    };
}

/**
 * Instruments ccxt.pro's WebSocket side of `exchange`: each client it makes (`client(url)`) is
 * watched, its connection events (`onConnected`, `onClose`, `onError`) mark the socket open or
 * lost, and `close()` ends every subscription. Instrument before the first watch call: ccxt
 * binds these callbacks when it makes a client.
 */
export function traceStreams(ctx: InstrumentationContext, aliases: (name: string) => string[]): void {
  const exchange = ctx.exchange;
  const streams = ctx.venue.streams;
  const watched = new WeakSet<object>();
  patchMethod(exchange, 'client', (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      const client = original.apply(this, args);
      try {
        if (isObject(client) && typeof client.url === 'string' && !watched.has(client)) {
          watched.add(client);
          watchClient(ctx, client as WsClientObject);
          streams.dialling(client.url);
        }
      } catch (error) {
        ctx.report(error);
      }
      return client;
    },
  aliases('client'));
  patchMethod(exchange, 'onConnected', onClient(ctx, (client) => streams.opened(client.url)), aliases('onConnected'));
  patchMethod(exchange, 'onError', onClient(ctx, (client) => streams.lost(client.url)), aliases('onError'));
  patchMethod(
    exchange,
    'onClose',
    onClient(ctx, (client) => {
      if (errorClassOf(client.error) !== 'ExchangeClosedByUser') streams.lost(client.url);
    }),
    aliases('onClose'),
  );
  patchMethod(exchange, 'close', (original) =>
    function (this: unknown, ...args: unknown[]): unknown {
      return whenSettled(original.apply(this, args), () => streams.clear(), ctx.report);
    },
  aliases('close'));
}
