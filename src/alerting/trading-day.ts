/** When a trading day begins: an hour of the day in a time zone. UTC midnight by default. */
export interface TradingDayOptions {
  /** An IANA time zone (`UTC`, `America/New_York`, `Asia/Tokyo`). Default `UTC`. */
  readonly timeZone?: string;
  /** The local hour the day begins at, 0 to 23 (17 for a New York FX day). Default 0. */
  readonly startHour?: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, format);
  }
  return format;
}

/** Whether `timeZone` is one `Intl` knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The trading day `epochMillis` falls in, as `YYYY-MM-DD`: the local calendar date in the time
 * zone, or the date before it while the local hour is earlier than the day's start hour. Daylight
 * saving changes nothing: the local hour is read, not computed from an offset.
 */
export function tradingDayOf(epochMillis: number, options: TradingDayOptions = {}): string {
  const parts = Object.fromEntries(formatFor(options.timeZone ?? 'UTC').formatToParts(epochMillis).map((p) => [p.type, p.value]));
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  const before = Number(parts.hour) < (options.startHour ?? 0);
  const date = new Date(Date.UTC(year, month - 1, before ? day - 1 : day));
  return date.toISOString().slice(0, 10);
}
