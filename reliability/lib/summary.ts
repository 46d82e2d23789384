import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One line of the reliability summary. */
export interface SummaryRow {
  suite: string;
  store: string;
  cases: number;
  faults: number;
  lost: number;
  duplicates: number;
  note?: string;
}

const FILE = join(tmpdir(), 'switchboard-reliability-summary.jsonl');

/** Record a suite's outcome; the global teardown prints every row as one table. */
export function recordSummary(row: SummaryRow): void {
  appendFileSync(FILE, `${JSON.stringify(row)}\n`);
}

export function resetSummary(): void {
  rmSync(FILE, { force: true });
}

export function printSummary(): void {
  if (!existsSync(FILE)) return;
  const rows = readFileSync(FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SummaryRow);
  console.log('\nReliability summary');
  console.table(rows.map((r) => ({ suite: r.suite, store: r.store, cases: r.cases, 'faults injected': r.faults, 'messages lost': r.lost, duplicates: r.duplicates, note: r.note ?? '' })));
}
