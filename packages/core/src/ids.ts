import { randomBytes } from 'node:crypto';

/**
 * Time-ordered, prefixed ids (`tkt_0192f3a4b5c6d7e8f9a0b1c2d3`): 12 hex chars of milliseconds
 * then 16 hex chars of randomness. Ordering by id ~ ordering by creation, which keeps keyset
 * pagination and Postgres b-tree inserts cheap. Prefixes make ids self-describing in logs.
 */
export type IdPrefix = 'cus' | 'tkt' | 'msg' | 'agt' | 'evt' | 'not' | 'aud' | 'att' | 'cmp' | 'tpl' | 'trg' | 'cal';

let lastMs = 0;
let counter = 0;

// Random bytes drawn from the OS in blocks: one system call per 680 ids instead of one per id
// (it showed in inbound profiles).
const POOL_BYTES = 4_080;
let pool = randomBytes(POOL_BYTES);
let offset = 0;
function randomHex6(): string {
  if (offset + 6 > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  offset += 6;
  return pool.toString('hex', offset - 6, offset);
}

export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  // A per-process counter keeps ids minted in the same millisecond strictly increasing.
  if (nowMs <= lastMs) {
    counter += 1;
    nowMs = lastMs;
  } else {
    lastMs = nowMs;
    counter = 0;
  }
  const time = nowMs.toString(16).padStart(12, '0');
  const seq = counter.toString(16).padStart(4, '0');
  return `${prefix}_${time}${seq}${randomHex6()}`;
}
