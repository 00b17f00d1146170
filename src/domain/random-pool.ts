// Random bytes from a pooled buffer the operating system's CSPRNG fills a few kilobytes at a time, as Node's own
// randomUUID does: a reminder run makes ids and reply tokens by the hundred thousand, and one getrandom call per
// id was the largest single cost of its process.
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let offset = pool.length;

/** `size` (at most 4096) fresh random bytes, copied into a buffer of their own. */
export function randomBytesPooled(size: number): Buffer {
  if (offset + size > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return bytes;
}
