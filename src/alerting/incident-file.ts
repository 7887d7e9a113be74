import { type FileHandle, open, rename, stat } from 'node:fs/promises';

/** Options of {@link IncidentFile}. */
export interface IncidentFileOptions {
  readonly path: string;
  /** Rotate when the file passes this size, in bytes. */
  readonly maxBytes: number;
  /** Rotated files kept (`path.1` … `path.N`). */
  readonly keepFiles: number;
  /** The file as found ends inside a line (a write torn by a crash). */
  readonly tornTail: boolean;
}

/**
 * The incident history on disk: a JSON-lines file appended through a handle that is open only
 * while writes are queued ({@link release} syncs and closes it when the queue drains), rotated
 * by size. A handle left open for the garbage collector to close is an uncaught error from Node
 * 26 on, so none outlives its writes. After a torn tail the first append starts a new line, so
 * the torn fragment cannot swallow the next incident. Writes are serial (the log queues them).
 */
export class IncidentFile {
  readonly #options: IncidentFileOptions;
  #handle: FileHandle | undefined;
  #size = -1;
  #newlineFirst: boolean;

  constructor(options: IncidentFileOptions) {
    this.#options = options;
    this.#newlineFirst = options.tornTail;
  }

  /** Appends `line` (which ends in a newline); with `sync`, returns only once it is on the device. */
  async append(line: string, sync: boolean): Promise<void> {
    const bytes = Buffer.byteLength(line) + (this.#newlineFirst ? 1 : 0);
    if (this.#size < 0) this.#size = await stat(this.#options.path).then((s) => s.size, () => 0);
    if (this.#size > 0 && this.#size + bytes > this.#options.maxBytes) await this.#rotate();
    const handle = (this.#handle ??= await open(this.#options.path, 'a'));
    try {
      await handle.write(this.#newlineFirst ? `\n${line}` : line);
      this.#newlineFirst = false;
      this.#size += bytes;
      if (sync) await handle.datasync();
    } catch (error) {
      // A failed write may have left part of the line: start the next one on a line of its own.
      this.#newlineFirst = true;
      this.#size = -1;
      await this.close();
      throw error;
    }
  }

  /** Syncs what was written to the device and closes the handle (the next append opens it again). */
  async release(): Promise<void> {
    const handle = this.#handle;
    if (handle === undefined) return;
    try {
      await handle.datasync();
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close().catch(() => undefined);
  }

  async #rotate(): Promise<void> {
    await this.close();
    const { path, keepFiles } = this.#options;
    for (let i = keepFiles - 1; i >= 1; i--) await rename(`${path}.${i}`, `${path}.${i + 1}`).catch(() => undefined);
    if (keepFiles > 0) await rename(path, `${path}.1`).catch(() => undefined);
    else await open(path, 'w').then((h) => h.close());
    this.#size = 0;
    this.#newlineFirst = false;
  }
}
