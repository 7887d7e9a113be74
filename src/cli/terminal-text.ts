/** Colours and emphasis the terminal view uses. */
export type Tone = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'magenta';

const SGR: Record<Tone, number> = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, blue: 34, cyan: 36, magenta: 35 };
const ESC = String.fromCharCode(27);
// Select Graphic Rendition sequences, the only escapes the view writes inside a line.
const ESCAPE = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const ESCAPE_TOKEN = new RegExp(`(${ESC}\\[[0-9;]*m)`);

/**
 * Text for one terminal: `paint` colours only when `color` is true (a TTY without `NO_COLOR`),
 * so piped output and tests get plain text.
 */
export interface Painter {
  readonly color: boolean;
  paint(text: string, tone: Tone): string;
}

/** A painter that colours when `color` is true and passes text through otherwise. */
export function painter(color: boolean): Painter {
  return { color, paint: (text, tone) => (color && text !== '' ? `\x1b[${SGR[tone]}m${text}\x1b[0m` : text) };
}

/** Columns `text` takes on screen: escapes take none; every character the view prints takes one. */
export function visibleWidth(text: string): number {
  return Array.from(text.replace(ESCAPE, '')).length;
}

/**
 * `text` made exactly `width` columns: padded with spaces, or cut with `…` (escapes are kept
 * and closed, so a cut never leaves colour running into the border).
 */
export function fit(text: string, width: number): string {
  const visible = visibleWidth(text);
  if (visible <= width) return text + ' '.repeat(width - visible);
  let out = '';
  let used = 0;
  let colored = false;
  for (const token of text.split(ESCAPE_TOKEN)) {
    if (token.startsWith(`${ESC}[`)) {
      out += token;
      colored = token !== `${ESC}[0m`;
      continue;
    }
    for (const char of token) {
      if (used === width - 1) break;
      out += char;
      used++;
    }
  }
  return `${out}…${colored ? `${ESC}[0m` : ''}`;
}

/** Joins cells left to right with `gap` spaces, each padded to its column width. */
export function columns(cells: readonly (readonly [text: string, width: number, align?: 'left' | 'right'])[], gap = 2): string {
  return cells
    .map(([text, width, align]) => (align === 'right' && visibleWidth(text) < width ? ' '.repeat(width - visibleWidth(text)) + text : fit(text, width)))
    .join(' '.repeat(gap))
    .trimEnd();
}
