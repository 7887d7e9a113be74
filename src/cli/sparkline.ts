const BARS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as a one-line chart of block characters, scaled between their
 * minimum and maximum (a flat series sits on the baseline). NaN and null are gaps (spaces);
 * with fewer values than `width` the line is shorter.
 */
export function sparkline(values: readonly (number | null)[], width: number): string {
  const tail = values.slice(-width);
  const finite = tail.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return ' '.repeat(tail.length);
  const low = Math.min(...finite);
  const span = Math.max(...finite) - low;
  return tail
    .map((v) => (v === null || !Number.isFinite(v) ? ' ' : BARS[span === 0 ? 0 : Math.round(((v - low) / span) * (BARS.length - 1))]))
    .join('');
}
