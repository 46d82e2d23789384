import { randomBytes } from 'node:crypto';

/**
 * Time-ordered, prefixed ids (`tkt_0192f3a4b5c6d7e8f9a0b1c2d3`): 12 hex chars of milliseconds
 * then 16 hex chars of randomness. Ordering by id ~ ordering by creation, which keeps keyset
 * pagination and Postgres b-tree inserts cheap. Prefixes make ids self-describing in logs.
 */
export type IdPrefix = 'cus' | 'tkt' | 'msg' | 'agt' | 'evt' | 'not' | 'aud' | 'att' | 'cmp' | 'tpl' | 'trg' | 'cal';

let lastMs = 0;
let counter = 0;

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
  return `${prefix}_${time}${seq}${randomBytes(6).toString('hex')}`;
}
