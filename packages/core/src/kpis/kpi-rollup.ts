import { zoneOffsets } from '../hours/time-zone.js';
import type { KpiFacts } from './kpi-facts.js';
import { additiveKpiFields, durationStats, emptyMetrics, finalizeMetrics, type KpiMetrics, type KpiRollupRow } from './kpi-metrics.js';
import type { KpiRollupQuery } from './kpi-options.js';
import { KpiPeriods } from './kpi-periods.js';
import { replayKpis, type KpiReplay } from './kpi-replay.js';
import { COUNTER, COUNTERS, DURATION_BASE, DURATIONS, HANDLED, OPEN_AT_END } from './kpi-samples.js';

interface Cell {
  counts: Float64Array;
  durations: number[][];
  handled: Set<number>;
  openAtEnd: number;
}

const newCell = (): Cell => ({ counts: new Float64Array(COUNTERS), durations: Array.from({ length: DURATIONS }, () => []), handled: new Set(), openAtEnd: 0 });

/**
 * The pure KPI calculator: metrics of `[from, to)` from a log slice, grouped by `by` and cut
 * into `period`s in `timeZone`. Deterministic, no I/O. The same numbers a store's
 * `computeKpiRollup` must return.
 */
export function rollupKpis(facts: KpiFacts, query: KpiRollupQuery): KpiRollupRow[] {
  return aggregateKpis(replayKpis(facts, query), query);
}

/** Group an existing replay (several rollups can share one replay of the same range and options). */
export function aggregateKpis(replay: KpiReplay, query: Pick<KpiRollupQuery, 'from' | 'to' | 'by' | 'period' | 'key' | 'timeZone'>): KpiRollupRow[] {
  const { samples } = replay;
  const zone = zoneOffsets(query.timeZone);
  if (replay.zone.timeZone !== zone.timeZone) throw new TypeError(`aggregateKpis: the replay was cut in ${replay.zone.timeZone}, not ${zone.timeZone}`);
  const periods = new KpiPeriods(query.from.getTime(), query.to.getTime(), zone, query.period);
  const spans = periods.spans.length;
  const [dimension, keys] =
    query.by === 'agent'
      ? [samples.agent, samples.agents]
      : query.by === 'branch'
        ? [samples.branch, samples.branches]
        : query.by === 'channel'
          ? [samples.channel, samples.channels]
          : [null, null];
  // Agent time has no channel: channel rollups leave it out.
  const skip = query.by === 'channel' ? samples.channels.find(null) : -1;
  const only = query.key === undefined || !keys ? -2 : keys.find(query.key);
  const cells: Array<Cell | undefined> = [];

  for (let i = 0; i < samples.length; i++) {
    const key = dimension ? dimension[i]! : 0;
    if (key === skip || (only !== -2 && key !== only)) continue;
    const type = samples.type[i]!;
    const p = periods.indexOfDay(samples.day[i]!);
    if (type === OPEN_AT_END && samples.at[i]! !== periods.spans[p]!.end - 1) continue;
    const cell = (cells[key * spans + p] ??= newCell());
    const value = samples.value[i]!;
    if (type < COUNTERS) {
      cell.counts[type] = cell.counts[type]! + value;
      if (type >= COUNTER.sentAgent && type <= COUNTER.sentSystem) cell.counts[COUNTER.sent] = cell.counts[COUNTER.sent]! + value;
    } else if (type < DURATION_BASE + DURATIONS) cell.durations[type - DURATION_BASE]!.push(value);
    else if (type === HANDLED) cell.handled.add(value);
    else if (type === OPEN_AT_END) cell.openAtEnd += 1;
  }

  const rows: KpiRollupRow[] = [];
  const keyCount = keys ? keys.names.length : 1;
  for (let k = 0; k < keyCount; k++) {
    if (!cells.slice(k * spans, (k + 1) * spans).some((c) => c !== undefined)) continue;
    const key = keys ? keys.names[k]! : null;
    periods.spans.forEach((span, p) => {
      const cell = cells[k * spans + p];
      rows.push({ key, period: span.label, start: new Date(span.start), end: new Date(span.end), metrics: cell ? metricsOf(cell) : emptyMetrics() });
    });
  }
  return normalizeKpiRows(rows, query, { copy: false });
}

function metricsOf(cell: Cell): KpiMetrics {
  const c = cell.counts;
  const m = emptyMetrics();
  m.messages.received = c[COUNTER.received]!;
  m.messages.sent = c[COUNTER.sent]!;
  m.messages.sentBy = { agent: c[COUNTER.sentAgent]!, phone: c[COUNTER.sentPhone]!, user: c[COUNTER.sentUser]!, bot: c[COUNTER.sentBot]!, system: c[COUNTER.sentSystem]! };
  m.tickets = {
    opened: c[COUNTER.opened]!,
    reopened: c[COUNTER.reopened]!,
    handoffs: c[COUNTER.handoffs]!,
    assigned: c[COUNTER.assigned]!,
    transferredIn: c[COUNTER.transferredIn]!,
    transferredOut: c[COUNTER.transferredOut]!,
    closed: c[COUNTER.closed]!,
    handled: cell.handled.size,
    openAtEnd: cell.openAtEnd,
  };
  m.firstResponse = durationStats(cell.durations[0]!);
  m.reply = durationStats(cell.durations[1]!);
  m.resolution = durationStats(cell.durations[2]!);
  m.delays = durationStats(cell.durations[3]!);
  m.sla = {
    firstResponse: { met: c[COUNTER.slaFirstMet]!, breached: c[COUNTER.slaFirstBreached]! },
    nextResponse: { met: c[COUNTER.slaNextMet]!, breached: c[COUNTER.slaNextBreached]! },
    resolution: { met: c[COUNTER.slaResolutionMet]!, breached: c[COUNTER.slaResolutionBreached]! },
  };
  m.csat.requests = c[COUNTER.csatRequests]!;
  m.csat.answers = c[COUNTER.csatAnswers]!;
  m.csat.ratingSum = c[COUNTER.csatRatingSum]!;
  m.csat.distribution = [0, 1, 2, 3, 4].map((i) => c[COUNTER.csat1 + i]!) as KpiMetrics['csat']['distribution'];
  m.agentTime.onlineMs = c[COUNTER.onlineMs]!;
  m.agentTime.loadMs = c[COUNTER.loadMs]!;
  m.agentTime.capacityMs = c[COUNTER.capacityMs]!;
  return finalizeMetrics(m);
}

const hasData = (m: KpiMetrics): boolean => m.tickets.handled > 0 || m.tickets.openAtEnd > 0 || Object.values(additiveKpiFields(m)).some((v) => v !== 0);
const compareKeys = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/**
 * The canonical form of a rollup, applied to the pure calculators' rows and to a store's
 * `computeKpiRollup` rows alike: one row per (key, period) for every key with any data (the
 * requested `key`, and the single null key of `by: 'all'`, always), periods in order, keys sorted (null first, then by
 * code point), derived fields recomputed from the additive ones. Rows for unknown periods are dropped.
 */
export function normalizeKpiRows(
  rows: KpiRollupRow[],
  query: Pick<KpiRollupQuery, 'from' | 'to' | 'by' | 'period' | 'key' | 'timeZone'>,
  options: { copy?: boolean } = {},
): KpiRollupRow[] {
  const copy = options.copy ?? true;
  const periods = new KpiPeriods(query.from.getTime(), query.to.getTime(), zoneOffsets(query.timeZone), query.period);
  const labels = new Map(periods.spans.map((span, i) => [span.label, i]));
  const byKey = new Map<string | null, Array<KpiMetrics | undefined>>();
  // A requested key (and the single key of `all`) is always present, with zeros if need be.
  const fixedKey = query.by === 'all' ? null : query.key;
  if (query.by === 'all' || query.key !== undefined) byKey.set(fixedKey ?? null, []);
  for (const row of rows) {
    const p = labels.get(row.period);
    if (p === undefined) continue;
    if (query.key !== undefined && row.key !== query.key) continue;
    const key = query.by === 'all' ? null : row.key;
    if (!hasData(row.metrics) && !byKey.has(key)) continue;
    let list = byKey.get(key);
    if (!list) {
      list = [];
      byKey.set(key, list);
    }
    list[p] = row.metrics;
  }
  const out: KpiRollupRow[] = [];
  for (const key of [...byKey.keys()].sort(compareKeys)) {
    const list = byKey.get(key)!;
    if (query.by !== 'all' && query.key === undefined && !list.some((m) => m && hasData(m))) continue;
    periods.spans.forEach((span, p) => {
      out.push({ key, period: span.label, start: new Date(span.start), end: new Date(span.end), metrics: finalizeMetrics(list[p] ? (copy ? structuredClone(list[p]) : list[p]) : emptyMetrics()) });
    });
  }
  return out;
}
