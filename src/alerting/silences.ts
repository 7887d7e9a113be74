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

/**
 * What silences may hold, so no client can grow them without end: active silences at once,
 * matchers per silence and their value length, the lifetime and the comment length. The API
 * refuses anything beyond these with a 400 (or 409 for the count).
 */
export const SILENCE_LIMITS = {
  maxSilences: 100,
  maxMatchers: 16,
  maxMatcherValueLength: 256,
  maxDurationMinutes: 7 * 24 * 60,
  maxCommentLength: 1024,
} as const;

/**
 * Silences by rule name or label matchers, with expiry. Expired silences are dropped when
 * read. At most {@link SILENCE_LIMITS.maxSilences} are active; `add` refuses more.
 */
export class Silences {
  #silences: Silence[] = [];
  readonly #now: () => number;

  /** @param now epoch ms: the alert engine's clock. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Adds a silence; undefined when {@link SILENCE_LIMITS.maxSilences} are already active or `matchers` is empty. */
  add(matchers: Readonly<Record<string, string>>, expiresAt: number, comment: string, createdBy = 'api'): Silence | undefined {
    if (Object.keys(matchers).length === 0 || this.active(this.#now()).length >= SILENCE_LIMITS.maxSilences) return undefined;
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
