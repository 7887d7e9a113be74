import { fit, visibleWidth } from './terminal-text.js';

/**
 * Draws the terminal view's frame: a double-line box `width` columns wide whose sections have
 * titled separators. Every line it returns is exactly `width` columns.
 */
export class Box {
  readonly #width: number;
  readonly #lines: string[] = [];

  constructor(width: number) {
    this.#width = width;
  }

  /** The top edge, with `left` and `right` set into it. */
  top(left: string, right = ''): this {
    this.#lines.push(this.#edge('╔', '╗', left, right));
    return this;
  }

  /** A separator that starts a section called `title`, with an optional note on the right. */
  section(title: string, note = ''): this {
    this.#lines.push(this.#edge('╠', '╣', title, note));
    return this;
  }

  /** One content line, padded or cut to fit. */
  line(content = ''): this {
    this.#lines.push(`║ ${fit(content, this.#width - 4)} ║`);
    return this;
  }

  /** The bottom edge; returns the whole box. */
  close(note = ''): string {
    this.#lines.push(this.#edge('╚', '╝', '', note));
    return this.#lines.join('\n');
  }

  #edge(open: string, end: string, left: string, right: string): string {
    const inner = this.#width - 2;
    const head = left === '' ? '' : `═ ${left} `;
    const tail = right === '' ? '' : ` ${right} ═`;
    const room = inner - visibleWidth(head) - visibleWidth(tail);
    if (room < 1) return `${open}${fit(head, inner - 1)}═${end}`;
    return `${open}${head}${'═'.repeat(room)}${tail}${end}`;
  }
}
