import { randomFillSync } from 'node:crypto';

/** Random bytes drawn 4 KB at a time: one call into the system's generator per 256 correlation ids, as crypto.randomUUID does. */
const pool = Buffer.allocUnsafe(4096);
let drawn = pool.length;

/** Where `count` fresh bytes start in the pool, refilled when too few are left. */
function draw(count: number): number {
  if (drawn + count > pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  const start = drawn;
  drawn += count;
  return start;
}

/** `count` fresh random bytes: a view into the pool, used once (the caller may write to it). */
export function randomBytes(count: number): Buffer {
  const start = draw(count);
  return pool.subarray(start, start + count);
}

/** `count` fresh random bytes as lowercase hex, read straight from the pool (no view is made). */
export function randomHex(count: number): string {
  const start = draw(count);
  return pool.toString('hex', start, start + count);
}
