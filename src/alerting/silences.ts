import { randomUUID } from 'node:crypto';
import type { AlertView } from './alert-types.js';

/** A silence: mutes notifications of matching alerts until it expires. */
export interface Silence {
  readonly id: string;
  /** Matches an alert when every matcher equals the alert's value (`rule` matches the rule name). */
  readonly matchers: Readonly<Record<string, string>>;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly comment: string;
  readonly createdBy: string;
}

/** Silences by rule name or label matchers, with expiry. Expired silences are dropped when read. */
export class Silences {
  #silences: Silence[] = [];

  add(matchers: Readonly<Record<string, string>>, expiresAt: number, comment: string, createdBy = 'api'): Silence {
    if (Object.keys(matchers).length === 0) throw new RangeError('a silence needs at least one matcher (rule or a label)');
    const silence: Silence = { id: randomUUID(), matchers: { ...matchers }, expiresAt, comment, createdBy };
    this.#silences.push(silence);
    return silence;
  }

  remove(id: string): boolean {
    const before = this.#silences.length;
    this.#silences = this.#silences.filter((s) => s.id !== id);
    return this.#silences.length < before;
  }

  active(now: number): Silence[] {
    this.#silences = this.#silences.filter((s) => s.expiresAt > now);
    return [...this.#silences];
  }

  /** The silence muting `alert` now, if any. */
  matching(alert: Pick<AlertView, 'rule' | 'labels'>, now: number): Silence | undefined {
    return this.active(now).find((s) => Object.entries(s.matchers).every(([key, value]) => (key === 'rule' ? alert.rule === value : alert.labels[key] === value)));
  }
}
