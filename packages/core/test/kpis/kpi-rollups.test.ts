import { describe, expect, it } from 'vitest';
import {
  additiveKpiFields,
  aggregateKpis,
  parseBusinessCalendar,
  replayKpis,
  resolveKpiOptions,
  rollupKpis,
  type KpiDimension,
  type KpiOptions,
  type KpiRollupRow,
} from '../../src/index.js';
import { generateKpiHistory, kpiHistoryFacts } from '../../src/testing/index.js';

// Three months (March → May 2026, Cairo's DST change on April 24 inside), about 30,000 messages.
const history = generateKpiHistory({ seed: 3, messages: 30_000, start: '2026-03-01T00:00:00Z', days: 92 });
const facts = kpiHistoryFacts(history);
const range = { from: new Date('2026-02-28T22:00:00Z'), to: new Date('2026-05-31T21:00:00Z') }; // Cairo midnights
const hours = parseBusinessCalendar({
  timeZone: 'Africa/Cairo',
  weekly: Object.fromEntries([0, 1, 2, 3, 4, 6].map((d) => [d, [{ start: '09:00', end: '21:00' }]])),
  holidays: ['2026-05-01'],
});
const variants: Array<[string, KpiOptions]> = [
  ['wall clock', { timeZone: 'Africa/Cairo', sla: { firstResponseMs: 10 * 60_000, nextResponseMs: 20 * 60_000, resolutionMs: 6 * 3_600_000 } }],
  ['business hours', { timeZone: 'Africa/Cairo', businessHours: hours, sla: { firstResponseMs: 10 * 60_000, resolutionMs: 6 * 3_600_000, businessHours: hours } }],
];

function sum(rows: KpiRollupRow[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const row of rows) for (const [k, v] of Object.entries(additiveKpiFields(row.metrics))) total[k] = (total[k] ?? 0) + v;
  return total;
}

describe.each(variants)('rollups of a generated history (%s)', (_name, options) => {
  const resolved = { ...range, ...resolveKpiOptions(options) };
  const replay = replayKpis(facts, resolved);

  it.each<KpiDimension>(['all', 'agent', 'branch', 'channel'])('days of each month add up to the month, months to the range (by %s)', (by) => {
    const days = aggregateKpis(replay, { ...resolved, by, period: 'day' });
    const months = aggregateKpis(replay, { ...resolved, by, period: 'month' });
    const whole = aggregateKpis(replay, { ...resolved, by, period: 'range' });
    expect(months.map((m) => m.period).filter((p, i, all) => all.indexOf(p) === i)).toEqual(['2026-03', '2026-04', '2026-05']);
    expect(new Set(days.map((d) => d.key))).toEqual(new Set(months.map((m) => m.key)));
    for (const month of months) {
      const inMonth = days.filter((d) => d.key === month.key && d.period.startsWith(month.period));
      expect(inMonth.length).toBe(month.period === '2026-04' ? 30 : 31);
      expect(sum(inMonth)).toEqual(additiveKpiFields(month.metrics));
    }
    for (const row of whole) expect(sum(months.filter((m) => m.key === row.key))).toEqual(additiveKpiFields(row.metrics));
  });

  it('the history is busy enough for the sums to mean something', () => {
    const [all] = aggregateKpis(replay, { ...resolved, by: 'all', period: 'range' });
    const fields = additiveKpiFields(all!.metrics);
    for (const key of ['messages.received', 'tickets.reopened', 'tickets.handoffs', 'tickets.transferredIn', 'firstResponse.count', 'reply.count', 'resolution.count', 'delays.count', 'sla.firstResponse.breached', 'csat.answers', 'agentTime.loadMs']) {
      expect(fields[key], key).toBeGreaterThan(0);
    }
  });

  it('monthly percentiles come from the month’s samples, not from daily percentiles', () => {
    const days = aggregateKpis(replay, { ...resolved, by: 'all', period: 'day' }).filter((d) => d.period.startsWith('2026-04'));
    const [april] = aggregateKpis(replay, { ...resolved, by: 'all', period: 'month' }).filter((m) => m.period === '2026-04');
    const dailyP90s = days.map((d) => d.metrics.reply.p90Ms).filter((v): v is number => v !== null);
    expect(april!.metrics.reply.p90Ms).toBeGreaterThanOrEqual(Math.min(...dailyP90s));
    expect(april!.metrics.reply.p90Ms).toBeLessThanOrEqual(Math.max(...dailyP90s));
    expect(april!.metrics.reply.maxMs).toBe(Math.max(...days.map((d) => d.metrics.reply.maxMs ?? 0)));
    expect(april!.metrics.reply.avgMs).toBe(april!.metrics.reply.sumMs / april!.metrics.reply.count);
  });
});

describe('determinism', () => {
  it('the same seed gives the same history and numbers; another seed does not', () => {
    const query = { ...range, ...resolveKpiOptions({ timeZone: 'Africa/Cairo' }), by: 'agent' as const, period: 'month' as const };
    const again = generateKpiHistory({ seed: 3, messages: 30_000, start: '2026-03-01T00:00:00Z', days: 92 });
    expect(again.messages.length).toBe(history.messages.length);
    expect(rollupKpis(kpiHistoryFacts(again), query)).toEqual(rollupKpis(facts, query));
    const other = generateKpiHistory({ seed: 4, messages: 30_000, start: '2026-03-01T00:00:00Z', days: 92 });
    expect(rollupKpis(kpiHistoryFacts(other), query)).not.toEqual(rollupKpis(facts, query));
  });

  it('the input order of the log does not change the numbers', () => {
    const query = { ...range, ...resolveKpiOptions({ timeZone: 'Africa/Cairo' }), by: 'branch' as const, period: 'day' as const };
    const shuffled = { ...facts, messages: [...facts.messages].reverse(), agentStatusChanges: [...facts.agentStatusChanges].reverse(), csatRequests: [...facts.csatRequests].reverse() };
    expect(rollupKpis(shuffled, query)).toEqual(rollupKpis(facts, query));
  });
});
