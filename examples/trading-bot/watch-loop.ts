import type { Logger } from 'pino';

/** A running loop over one ccxt.pro `watch*` call. */
export interface WatchLoop {
  /** Ends the loop once its pending call settles (closing the exchange settles it). */
  stop(): Promise<void>;
}

/**
 * Calls `watch` again and again and hands each result to `onUpdate`: the shape of every ccxt.pro
 * consumer. A failed call (the connection dropped, the exchange refused) is logged once per
 * streak of failures and retried after a pause; ccxt reconnects with its own backoff inside the
 * next call.
 */
export function watchLoop<T>(name: string, watch: () => Promise<T>, onUpdate: (update: T) => void, log: Logger): WatchLoop {
  const state = { running: true, failing: false };
  // Read through a call: the loop's awaits let stop() change it between two reads.
  const running = (): boolean => state.running;
  const done = (async () => {
    while (running()) {
      try {
        const update = await watch();
        if (state.failing) log.info({ stream: name }, 'stream flowing again');
        state.failing = false;
        if (running()) onUpdate(update);
      } catch (error) {
        if (!running()) break;
        if (!state.failing) log.warn({ stream: name, errorClass: (error as Error).name, error: (error as Error).message }, 'stream interrupted');
        state.failing = true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  })();
  return {
    stop: async () => {
      state.running = false;
      await done;
    },
  };
}
