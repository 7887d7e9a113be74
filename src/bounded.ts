/**
 * Runs `work` but settles within `timeoutMillis` whatever it does: a hung exporter or an
 * unreachable collector must never hold up a shutdown. Resolves `'done'`, `'timeout'` or
 * `'failed'`; never rejects.
 */
export async function bounded(work: () => Promise<unknown>, timeoutMillis: number): Promise<'done' | 'timeout' | 'failed'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMillis);
    timer.unref();
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(work)
        .then(
          () => 'done' as const,
          () => 'failed' as const,
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
