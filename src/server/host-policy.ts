import { isIP } from 'node:net';

/**
 * The Host names the embedded server answers, against DNS rebinding: a page on
 * `evil.example` whose name an attacker re-points at 127.0.0.1 sends `Host: evil.example`,
 * and gets a 403 instead of the dashboard's data. Answered: IP literals (a rebinding attack
 * controls names, not addresses), `localhost` and names under `.localhost`, and the names the
 * operator configured (`server.allowedHosts`, e.g. `bot` in a compose network).
 */
export class HostPolicy {
  readonly #allowed: ReadonlySet<string>;

  constructor(allowedHosts: readonly string[] = []) {
    this.#allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  }

  /** The host name of a Host header (`[::1]:9464` → `::1`), lower case; undefined when malformed. */
  static hostname(header: string | undefined): string | undefined {
    if (header === undefined || header === '') return undefined;
    const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(header);
    if (bracketed?.[1] !== undefined) return bracketed[1].toLowerCase();
    const [name = '', port, ...rest] = header.split(':');
    if (rest.length > 0 || (port !== undefined && !/^\d{1,5}$/.test(port))) return undefined;
    return name.toLowerCase();
  }

  /** Whether a request with this Host header is answered. */
  allows(header: string | undefined): boolean {
    const name = HostPolicy.hostname(header);
    if (name === undefined || name === '') return false;
    if (isIP(name) !== 0) return true;
    return name === 'localhost' || name.endsWith('.localhost') || this.#allowed.has(name);
  }
}
