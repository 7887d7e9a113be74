import { open } from 'node:fs/promises';

const CHUNK_BYTES = 64 * 1024;

/** What {@link readBoundedLines} found besides the lines. */
export interface LineScan {
  /** Lines longer than the bound: skipped without being held in memory. */
  readonly overlong: number;
  /** Whether the file ends inside a line (a write torn by a crash): the next append must start a new line. */
  readonly tornTail: boolean;
}

/**
 * Calls `onLine` with every line of `file` up to `maxLineBytes` long, reading in chunks: a
 * line longer than the bound (a 50 MB line, a runaway write) is skipped and counted without
 * ever being held whole. Every chunk is read into the same buffer, so reading a file costs about
 * one chunk and one bound of memory, and leaves no garbage in proportion to its size.
 */
export async function readBoundedLines(file: string, maxLineBytes: number, onLine: (line: string) => void): Promise<LineScan> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let overlong = 0;
  const handle = await open(file, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  try {
    for (let read = await handle.read(buffer, 0, CHUNK_BYTES); read.bytesRead > 0; read = await handle.read(buffer, 0, CHUNK_BYTES)) {
      const chunk = buffer.subarray(0, read.bytesRead);
      let start = 0;
      for (let newline = chunk.indexOf(10, start); newline >= 0; newline = chunk.indexOf(10, start)) {
        const piece = chunk.subarray(start, newline);
        if (!skipping && pendingBytes + piece.length <= maxLineBytes) onLine(Buffer.concat([...pending, piece]).toString('utf8'));
        else if (!skipping) overlong++;
        pending = [];
        pendingBytes = 0;
        skipping = false;
        start = newline + 1;
      }
      const rest = chunk.subarray(start);
      if (skipping || rest.length === 0) continue;
      if (pendingBytes + rest.length > maxLineBytes) {
        skipping = true;
        overlong++;
        pending = [];
        pendingBytes = 0;
      } else {
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
  } finally {
    await handle.close();
  }
  const tornTail = skipping || pendingBytes > 0;
  if (pendingBytes > 0) onLine(Buffer.concat(pending).toString('utf8'));
  return { overlong, tornTail };
}
