/**
 * The numbers a KPI rollup holds, and the helpers that make them comparable everywhere:
 * averages are always `sumMs / count`, percentiles are nearest-rank (SQL `percentile_disc`).
 * See docs/kpis.md for what each number means.
 */

/** A set of durations (ms). `count` and `sumMs` add up across periods; the rest are derived. */
export interface KpiDuration {
  count: number;
  sumMs: number;
  /** `sumMs / count`, null when empty. */
  avgMs: number | null;
  /** Nearest-rank median: the smallest value with at least half of the values at or below it. */
  p50Ms: number | null;
  /** Nearest-rank 90th percentile. */
  p90Ms: number | null;
  maxMs: number | null;
}

export interface SlaCounts {
  /** Answered / resolved within target (counted when it happened). */
  met: number;
  /** Target passed without an answer / resolution (counted at the due time). */
  breached: number;
}

export interface KpiMetrics {
  messages: {
    /** Customer messages. */
    received: number;
    /** Business messages accepted for sending (failed ones excluded), by author. */
    sent: number;
    sentBy: { agent: number; phone: number; user: number; bot: number; system: number };
  };
  tickets: {
    opened: number;
    reopened: number;
    /** Explicit hand-overs from the bot to humans (`handoff` events: handoff word or rule). */
    handoffs: number;
    /** Assignments to an agent (routing or by hand, from the queue). */
    assigned: number;
    transferredIn: number;
    transferredOut: number;
    closed: number;
    /** Distinct tickets with a human reply in the period (not additive across periods). */
    handled: number;
    /** Non-closed tickets at the end of the period (a snapshot, not additive). */
    openAtEnd: number;
  };
  firstResponse: KpiDuration;
  reply: KpiDuration;
  resolution: KpiDuration;
  /** Delay events (waits over the threshold), counted when the threshold passed; durations to their end. */
  delays: KpiDuration;
  sla: { firstResponse: SlaCounts; nextResponse: SlaCounts; resolution: SlaCounts };
  csat: {
    /** Rating requests sent (their message did not fail), counted at request time. */
    requests: number;
    /** Requests answered, counted at request time. */
    answers: number;
    ratingSum: number;
    /** `ratingSum / answers`. */
    average: number | null;
    /** How many answers gave 1, 2, 3, 4, 5. */
    distribution: [number, number, number, number, number];
    /** `answers / requests`. */
    responseRate: number | null;
  };
  agentTime: {
    onlineMs: number;
    /** Integral of non-closed tickets held over online time (ticket-milliseconds). */
    loadMs: number;
    /** Capacity × online time. */
    capacityMs: number;
    /** `loadMs / capacityMs`: the average share of capacity in use while online. */
    utilization: number | null;
  };
}

/** One cell of a rollup: a dimension key (agent id, branch, channel id; null = none/unattributed) and a period. */
export interface KpiRollupRow {
  key: string | null;
  /** `YYYY-MM-DD` (day), `YYYY-MM` (month) or `range`. */
  period: string;
  /** The period clipped to the queried range. */
  start: Date;
  end: Date;
  metrics: KpiMetrics;
}

export const emptyDuration = (): KpiDuration => ({ count: 0, sumMs: 0, avgMs: null, p50Ms: null, p90Ms: null, maxMs: null });

export function emptyMetrics(): KpiMetrics {
  return {
    messages: { received: 0, sent: 0, sentBy: { agent: 0, phone: 0, user: 0, bot: 0, system: 0 } },
    tickets: { opened: 0, reopened: 0, handoffs: 0, assigned: 0, transferredIn: 0, transferredOut: 0, closed: 0, handled: 0, openAtEnd: 0 },
    firstResponse: emptyDuration(),
    reply: emptyDuration(),
    resolution: emptyDuration(),
    delays: emptyDuration(),
    sla: { firstResponse: { met: 0, breached: 0 }, nextResponse: { met: 0, breached: 0 }, resolution: { met: 0, breached: 0 } },
    csat: { requests: 0, answers: 0, ratingSum: 0, average: null, distribution: [0, 0, 0, 0, 0], responseRate: null },
    agentTime: { onlineMs: 0, loadMs: 0, capacityMs: 0, utilization: null },
  };
}

/** Nearest-rank percentile of an ascending array; null when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Stats of a set of durations (a typed array is sorted in place). */
export function durationStats(values: number[] | Float64Array): KpiDuration {
  if (values.length === 0) return emptyDuration();
  // Typed-array sort is numeric and native: much faster than a comparator on a plain array.
  const sorted = values instanceof Float64Array ? values.sort() : Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return { count: sorted.length, sumMs: sum, avgMs: sum / sorted.length, p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90), maxMs: sorted[sorted.length - 1]! };
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** Recompute every derived field (averages, rates, utilization) from the additive ones, in place. */
export function finalizeMetrics(metrics: KpiMetrics): KpiMetrics {
  for (const d of [metrics.firstResponse, metrics.reply, metrics.resolution, metrics.delays]) {
    d.avgMs = ratio(d.sumMs, d.count);
    if (d.count === 0) {
      d.p50Ms = null;
      d.p90Ms = null;
      d.maxMs = null;
    }
  }
  metrics.csat.average = ratio(metrics.csat.ratingSum, metrics.csat.answers);
  metrics.csat.responseRate = ratio(metrics.csat.answers, metrics.csat.requests);
  metrics.agentTime.utilization = ratio(metrics.agentTime.loadMs, metrics.agentTime.capacityMs);
  return metrics;
}

/**
 * The additive part of a metrics record, flattened to `path → number`: these sum exactly
 * across periods (days of a month add up to the month). Everything else is derived from them
 * (averages, rates) or is a distinct count, percentile, maximum or snapshot.
 */
export function additiveKpiFields(metrics: KpiMetrics): Record<string, number> {
  const out: Record<string, number> = {
    'messages.received': metrics.messages.received,
    'messages.sent': metrics.messages.sent,
  };
  for (const [k, v] of Object.entries(metrics.messages.sentBy)) out[`messages.sentBy.${k}`] = v;
  for (const k of ['opened', 'reopened', 'handoffs', 'assigned', 'transferredIn', 'transferredOut', 'closed'] as const) out[`tickets.${k}`] = metrics.tickets[k];
  for (const k of ['firstResponse', 'reply', 'resolution', 'delays'] as const) {
    out[`${k}.count`] = metrics[k].count;
    out[`${k}.sumMs`] = metrics[k].sumMs;
  }
  for (const k of ['firstResponse', 'nextResponse', 'resolution'] as const) {
    out[`sla.${k}.met`] = metrics.sla[k].met;
    out[`sla.${k}.breached`] = metrics.sla[k].breached;
  }
  out['csat.requests'] = metrics.csat.requests;
  out['csat.answers'] = metrics.csat.answers;
  out['csat.ratingSum'] = metrics.csat.ratingSum;
  metrics.csat.distribution.forEach((n, i) => (out[`csat.distribution.${i + 1}`] = n));
  out['agentTime.onlineMs'] = metrics.agentTime.onlineMs;
  out['agentTime.loadMs'] = metrics.agentTime.loadMs;
  out['agentTime.capacityMs'] = metrics.agentTime.capacityMs;
  return out;
}
