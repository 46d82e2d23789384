/**
 * The pure KPI calculators on generated histories of 100k, 200k and 400k messages: one replay
 * and the twelve rollups a dashboard can ask for (all / agent / branch / channel × range / day /
 * month, Africa/Cairo days), wall-clock and business-hours variants. Sizes are interleaved in
 * every run (so machine noise hits them alike) and each size reports the median of 7 runs and
 * the growth ratio to the previous size (≈ 2 when the work grows linearly with the log).
 */
import { aggregateKpis, parseBusinessCalendar, replayKpis, resolveKpiOptions, type KpiDimension, type KpiFacts, type KpiOptions, type KpiPeriod } from '@switchboard/core';
import { generateKpiHistory, kpiHistoryFacts } from '@switchboard/core/simulator';
import { median } from './lib/stats.js';

const SIZES = [100_000, 200_000, 400_000];
const RUNS = 7;
const DIMENSIONS: KpiDimension[] = ['all', 'agent', 'branch', 'channel'];
const PERIODS: KpiPeriod[] = ['range', 'day', 'month'];
const range = { from: new Date('2026-03-31T22:00:00Z'), to: new Date('2026-05-31T21:00:00Z') }; // Cairo midnights

const hours = parseBusinessCalendar({
  timeZone: 'Africa/Cairo',
  weekly: Object.fromEntries([0, 1, 2, 3, 4, 6].map((d) => [d, [{ start: '09:00', end: '13:00' }, { start: '14:00', end: '21:00' }]])),
  holidays: ['2026-04-25', '2026-05-01'],
});
const variants: Array<[string, KpiOptions]> = [
  ['wall clock', { timeZone: 'Africa/Cairo', sla: { firstResponseMs: 600_000, nextResponseMs: 1_800_000, resolutionMs: 28_800_000 } }],
  ['business hours', { timeZone: 'Africa/Cairo', businessHours: hours, sla: { firstResponseMs: 600_000, resolutionMs: 14_400_000, businessHours: hours } }],
];
const gc = (globalThis as { gc?: () => void }).gc;

function once(facts: KpiFacts, options: KpiOptions): number {
  gc?.();
  const query = { ...range, ...resolveKpiOptions(options) };
  const started = performance.now();
  const replay = replayKpis(facts, query);
  for (const by of DIMENSIONS) for (const period of PERIODS) aggregateKpis(replay, { ...query, by, period });
  return performance.now() - started;
}

const histories = SIZES.map((size) => {
  const started = performance.now();
  const history = generateKpiHistory({ seed: 42, messages: size, start: '2026-04-01T00:00:00Z', days: 61 });
  return { size, history, facts: kpiHistoryFacts(history), generatedMs: performance.now() - started };
});
for (const h of histories) for (const [, options] of variants) once(h.facts, options); // warm-up
const times = histories.map(() => variants.map((): number[] => []));
for (let run = 0; run < RUNS; run++) {
  histories.forEach((h, i) => variants.forEach(([, options], v) => times[i]![v]!.push(once(h.facts, options))));
}

const rows: Record<string, Record<string, string | number>> = {};
histories.forEach((h, i) => {
  const row: Record<string, string | number> = {
    messages: h.history.messages.length,
    'ticket events': h.history.ticketEvents.length,
    'generate ms': Math.round(h.generatedMs),
  };
  variants.forEach(([name], v) => {
    const ms = median(times[i]![v]!);
    const previous = i > 0 ? median(times[i - 1]![v]!) : null;
    row[`${name} ms`] = Math.round(ms);
    row[`${name} µs/msg`] = ((ms * 1000) / h.history.messages.length).toFixed(2);
    row[`${name} × prev`] = previous ? (ms / previous).toFixed(2) : '—';
  });
  rows[`${h.size / 1000}k`] = row;
});

console.log(`KPI pure calculators: 1 replay + 12 rollups (all/agent/branch/channel × range/day/month), Africa/Cairo, 61 days; median of ${RUNS} interleaved runs${gc ? ', GC before each' : ''}`);
console.table(rows);
