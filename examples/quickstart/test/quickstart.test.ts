import { expect, it } from 'vitest';
import { runQuickstart } from '../src/quickstart.js';

it('runs the quick-start story end to end', async () => {
  const lines: string[] = [];
  const { summary } = await runQuickstart((line) => lines.push(line));
  expect(summary).toEqual([
    'Mona  (cairo) holds 1/2 tickets',
    'Omar  (cairo) holds 2/2 tickets',
    'Sara  (giza) holds 1/2 tickets',
    '4 tickets, 4 replies sent, 0 waiting in the queue',
  ]);
  expect(lines.filter((l) => l.includes('assigned to'))).toHaveLength(4);
  expect(lines.some((l) => l.includes('⇄ transferred'))).toBe(true);
  expect(lines.filter((l) => l.endsWith('→ read'))).toHaveLength(4);
});
