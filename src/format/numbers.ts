/** Whole numbers with thousands separators: `12,345`. */
export function count(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

/** A 0..1 ratio as a percentage with one decimal, `—` for null (no data yet). */
export function percent(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '—' : `${(ratio * 100).toFixed(1)}%`;
}

/** Seconds as µs, ms or s, whichever reads best: `245 µs`, `10.5 ms`, `1.38 s`. */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 0.001) return `${(seconds * 1e6).toFixed(0)} µs`;
  if (seconds < 1) return `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1)} ms`;
  return `${seconds.toFixed(2)} s`;
}

/** A signed amount with two decimals and a real minus sign: `+1,234.50`, `−12.00`. */
export function money(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${value < 0 ? '−' : '+'}${abs}`;
}

/** A quantity with up to six significant digits: `0.09565`, `12.552`, `−365`. */
export function quantity(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const text = Number(value.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 6 });
  return text.replace('-', '−');
}

/** Uptime as `03h 07m 09s` (days fold into hours). */
export function uptime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return `${String(h).padStart(2, '0')}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s`;
}
