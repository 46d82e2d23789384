/**
 * The pure KPI calculators on generated histories of 100k, 200k and 400k messages: one replay
 * and the twelve rollups a dashboard can ask for (all / agent / branch / channel × range / day /
 * month, Africa/Cairo days), wall-clock and business-hours variants. Prints the median of 5 runs
 * per size and the growth ratio between sizes (≈ 2 when the work grows linearly).
 */
import { aggregateKpis, parseBusinessCalendar, replayKpis, resolveKpiOptions, type KpiDimension, type KpiOptions, type KpiPeriod } from '@switchboard/core';
import { generateKpiHistory, kpiHistoryFacts } from '@switchboard/core/simulator';
import { median } from './lib/stats.js';

const SIZES = [100_000, 200_000, 400_000];
const RUNS = 5;
const DIMENSIONS: KpiDimension[] = ['all', 'agent', 'branch', 'channel'];
const PERIODS: KpiPeriod[] = ['range', 'day', 'month'];

const hours = parseBusinessCalendar({
  timeZone: 'Africa/Cairo',
  weekly: Object.fromEntries([0, 1, 2, 3, 4, 6].map((d) => [d, [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '21:00' }]])),
  holidays: ['2026-04-25', '2026-05-01'],
});
const variants: Array<[string, KpiOptions]> = [
  ['wall clock', { timeZone: 'Africa/Cairo', sla: { firstResponseMs: 600_000, nextResponseMs: 1_800_000, resolutionMs: 28_800_000 } }],
  ['business hours', { timeZone: 'Africa/Cairo', businessHours: hours, sla: { firstResponseMs: 600_000, resolutionMs: 14_400_000, businessHours: hours } }],
];

const rows: Record<string, Record<string, string | number>> = {};
let previous: Record<string, number> = {};
for (const size of SIZES) {
  const started = performance.now();
  const history = generateKpiHistory({ seed: 42, messages: size, start: '2026-04-01T00:00:00Z', days: 61 });
  const generatedMs = performance.now() - started;
  const facts = kpiHistoryFacts(history);
  const range = { from: new Date('2026-03-31T22:00:00Z'), to: new Date('2026-05-31T21:00:00Z') };
  const row: Record<string, string | number> = {
    messages: history.messages.length,
    'ticket events': history.ticketEvents.length,
    'generate ms': Math.round(generatedMs),
  };
  const current: Record<string, number> = {};
  for (const [name, options] of variants) {
    const query = { ...range, ...resolveKpiOptions(options) };
    const once = (): number => {
      const t = performance.now();
      const replay = replayKpis(facts, query);
      for (const by of DIMENSIONS) for (const period of PERIODS) aggregateKpis(replay, { ...query, by, period });
      return performance.now() - t;
    };
    once(); // warm-up
    const ms = median(Array.from({ length: RUNS }, once));
    current[name] = ms;
    row[`${name} ms (median of ${RUNS})`] = Math.round(ms);
    row[`${name} µs/message`] = ((ms * 1000) / history.messages.length).toFixed(2);
    row[`${name} × previous`] = previous[name] ? (ms / previous[name]).toFixed(2) : '—';
  }
  previous = current;
  rows[`${size / 1000}k`] = row;
}

console.log('KPI pure calculators: 1 replay + 12 rollups (all/agent/branch/channel × range/day/month), Africa/Cairo, 61 days');
console.table(rows);
