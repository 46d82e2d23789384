import { emptyMetrics, rollupKpis, type AgentStatus, type AgentStatusChange, type KpiFacts, type KpiFactsQuery, type KpiMessage, type KpiMetrics, type KpiRollupQuery, type KpiRollupRow } from '@switchboard/core';
import type { SqlClient } from '../client/sql-client.js';
import { date, ticketEventRow, type Row } from '../rows.js';
import { csatAnswerRow, csatRequestRow } from './csat.js';

const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

/**
 * `Store.listKpiFacts`: the tickets active in `[from, to)` (non-closed now, closed at or after
 * `from`, or with a message, event or CSAT record in the range; opened before `to`) with their
 * whole log before `to`, plus agents and their status log. One REPEATABLE READ snapshot, so the
 * slices agree with each other. Only the channel hint narrows the tickets (more is allowed).
 */
export async function listKpiFacts(db: SqlClient, query: KpiFactsQuery): Promise<KpiFacts> {
  const { from, to } = query;
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const agents = await tx.query<Row>('SELECT id, branch, capacity, status, created_at FROM _sb_.agents ORDER BY id');
    const changes = await tx.query<Row>(
      // Changes in one millisecond keep their log order (seq): the replay applies them in turn.
      `SELECT seq, agent_id, status, previous, at FROM (
         SELECT DISTINCT ON (agent_id) seq, agent_id, status, previous, at FROM _sb_.agent_status_log
          WHERE at < $1 ORDER BY agent_id, seq DESC
       ) before
       UNION ALL
       SELECT seq, agent_id, status, previous, at FROM (
         SELECT seq, agent_id, status, previous, at FROM _sb_.agent_status_log WHERE at >= $1 AND at < $2
       ) inside
       ORDER BY at, seq`,
      [from, to],
    );
    const tickets = await tx.query<Row>(
      `SELECT t.id, t.channel_id, t.customer_id, t.opened_at FROM _sb_.tickets t
        WHERE t.opened_at < $2 AND ($3::text IS NULL OR t.channel_id = $3)
          AND (t.status <> 'closed' OR t.closed_at >= $1
            OR t.id IN (SELECT ticket_id FROM _sb_.messages WHERE created_at >= $1 AND created_at < $2 AND ticket_id IS NOT NULL)
            OR t.id IN (SELECT ticket_id FROM _sb_.ticket_events WHERE at >= $1 AND at < $2)
            OR t.id IN (SELECT ticket_id FROM _sb_.csat_requests WHERE requested_at >= $1 AND requested_at < $2)
            OR t.id IN (SELECT ticket_id FROM _sb_.csat_answers WHERE at >= $1 AND at < $2))
        ORDER BY t.id`,
      [from, to, query.channelId ?? null],
    );
    const ids = tickets.map((t) => t.id as string);
    const [events, messages, requests, answers] = [
      await tx.query<Row>('SELECT * FROM _sb_.ticket_events WHERE ticket_id = ANY($1::text[]) AND at < $2 ORDER BY seq', [ids, to]),
      await tx.query<Row>(
        `SELECT id, ticket_id, channel_id, customer_id, direction, author, status, created_at FROM _sb_.messages
          WHERE (ticket_id = ANY($1::text[]) AND created_at < $3)
             OR (ticket_id IS NULL AND created_at >= $2 AND created_at < $3 AND ($4::text IS NULL OR channel_id = $4))
          ORDER BY id`,
        [ids, from, to, query.channelId ?? null],
      ),
      await tx.query<Row>('SELECT * FROM _sb_.csat_requests WHERE ticket_id = ANY($1::text[]) AND requested_at < $2 ORDER BY requested_at, id', [ids, to]),
      await tx.query<Row>('SELECT * FROM _sb_.csat_answers WHERE ticket_id = ANY($1::text[]) AND at < $2 ORDER BY at, id', [ids, to]),
    ];
    return {
      agents: agents.map((a) => ({
        id: a.id as string,
        branch: (a.branch as string | null) ?? null,
        capacity: Number(a.capacity),
        status: a.status as AgentStatus,
        createdAt: date(a.created_at),
      })),
      tickets: tickets.map((t) => ({ id: t.id as string, channelId: t.channel_id as string, customerId: t.customer_id as string, openedAt: date(t.opened_at) })),
      messages: messages.map(
        (m): KpiMessage => ({
          id: m.id as string,
          ticketId: (m.ticket_id as string | null) ?? null,
          channelId: m.channel_id as string,
          customerId: m.customer_id as string,
          direction: m.direction as KpiMessage['direction'],
          author: json<KpiMessage['author']>(m.author),
          status: m.status as KpiMessage['status'],
          at: date(m.created_at),
        }),
      ),
      ticketEvents: events.map(ticketEventRow),
      agentStatusChanges: changes.map(
        (c): AgentStatusChange => ({
          agentId: c.agent_id as string,
          status: c.status as AgentStatus,
          previous: (c.previous as AgentStatus | null) ?? null,
          at: date(c.at),
        }),
      ),
      csatRequests: requests.map(csatRequestRow),
      csatAnswers: answers.map(csatAnswerRow),
    };
  });
}

/** Sample type codes, as core's `kpi-samples.ts` numbers them. */
const T = { sentFirst: 1, sentLast: 6, durations: [31, 32, 33, 34], handled: 35, openAtEnd: 36 } as const;

interface CellRow {
  k: string | null;
  period: string;
  s_type: number;
  n: number;
  total: number;
  p50: number | null;
  p90: number | null;
  mx: number | null;
  tickets: number;
}

/**
 * Brings the materialized replay (`_sb_.kpi_log`, migration 0022) up to date: replays the logs
 * of the tickets written since the last refresh, in a transaction of its own (a refresh waits
 * for writers still holding a ticket's mark). Returns how many tickets it replayed.
 */
export async function refreshKpiLog(db: SqlClient): Promise<number> {
  return db.transaction(async (tx) => {
    // After a migration every ticket is replayed: one sort of the whole log, in memory. Its cost
    // estimate would switch JIT on, and compiling costs seconds more than it saves (measured).
    await tx.query(`SET LOCAL work_mem = '256MB'`);
    await tx.query('SET LOCAL jit = off');
    const [row] = await tx.query<{ n: number }>('SELECT _sb_.kpi_refresh() AS n');
    return Number(row?.n ?? 0);
  });
}

/**
 * `Store.computeKpiRollup`: the grouping by dimension and local period runs in one SQL statement
 * (`_sb_.kpi_rollup`) over the materialized replay, refreshed first for the tickets written
 * since (migration 0022); only the final record shape is built here. With a business-hours
 * calendar (durations in open time) the store uses core's pure calculators on `listKpiFacts`
 * instead: calendars are not ported to SQL.
 */
export async function computeKpiRollup(db: SqlClient, query: KpiRollupQuery): Promise<KpiRollupRow[]> {
  if (query.businessHours || query.sla?.businessHours) return rollupKpis(await listKpiFacts(db, query), query);
  await refreshKpiLog(db);
  const rows = await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    // The rollup groups the range's rows: in memory. No JIT, as above.
    await tx.query(`SET LOCAL work_mem = '256MB'`);
    await tx.query('SET LOCAL jit = off');
    return tx.query<CellRow>('SELECT * FROM _sb_.kpi_rollup($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', [
      query.from.getTime(),
      query.to.getTime(),
      query.timeZone,
      query.delayThresholdMs,
      query.sla?.firstResponseMs ?? null,
      query.sla?.nextResponseMs ?? null,
      query.sla?.resolutionMs ?? null,
      query.period,
      query.by,
      query.by !== 'all' && query.key !== undefined,
      query.key ?? null,
    ]);
  });
  const cells = new Map<string, { key: string | null; period: string; metrics: KpiMetrics }>();
  for (const r of rows) {
    const key = query.by === 'all' ? null : r.k;
    const id = `${key ?? '\u0000'}\u0001${r.period}`;
    let cell = cells.get(id);
    if (!cell) {
      cell = { key, period: r.period, metrics: emptyMetrics() };
      cells.set(id, cell);
    }
    addCell(cell.metrics, r);
  }
  return [...cells.values()].map((c) => ({ key: c.key, period: c.period, start: query.from, end: query.to, metrics: c.metrics }));
}

const COUNTER_FIELDS: Record<number, (m: KpiMetrics, v: number) => void> = {
  0: (m, v) => (m.messages.received += v),
  1: (m, v) => (m.messages.sent += v),
  2: (m, v) => (m.messages.sentBy.agent += v),
  3: (m, v) => (m.messages.sentBy.phone += v),
  4: (m, v) => (m.messages.sentBy.user += v),
  5: (m, v) => (m.messages.sentBy.bot += v),
  6: (m, v) => (m.messages.sentBy.system += v),
  7: (m, v) => (m.tickets.opened += v),
  8: (m, v) => (m.tickets.reopened += v),
  9: (m, v) => (m.tickets.assigned += v),
  10: (m, v) => (m.tickets.transferredIn += v),
  11: (m, v) => (m.tickets.transferredOut += v),
  12: (m, v) => (m.tickets.closed += v),
  13: (m, v) => (m.sla.firstResponse.met += v),
  14: (m, v) => (m.sla.firstResponse.breached += v),
  15: (m, v) => (m.sla.nextResponse.met += v),
  16: (m, v) => (m.sla.nextResponse.breached += v),
  17: (m, v) => (m.sla.resolution.met += v),
  18: (m, v) => (m.sla.resolution.breached += v),
  19: (m, v) => (m.csat.requests += v),
  20: (m, v) => (m.csat.answers += v),
  21: (m, v) => (m.csat.ratingSum += v),
  22: (m, v) => (m.csat.distribution[0] += v),
  23: (m, v) => (m.csat.distribution[1] += v),
  24: (m, v) => (m.csat.distribution[2] += v),
  25: (m, v) => (m.csat.distribution[3] += v),
  26: (m, v) => (m.csat.distribution[4] += v),
  27: (m, v) => (m.agentTime.onlineMs += v),
  28: (m, v) => (m.agentTime.loadMs += v),
  29: (m, v) => (m.agentTime.capacityMs += v),
  30: (m, v) => (m.tickets.handoffs += v),
};
const DURATION_FIELDS = ['firstResponse', 'reply', 'resolution', 'delays'] as const;

function addCell(m: KpiMetrics, r: CellRow): void {
  const type = Number(r.s_type);
  const total = Number(r.total);
  const set = COUNTER_FIELDS[type];
  if (set) {
    set(m, total);
    // Every per-author counter also adds to `sent`.
    if (type > T.sentFirst && type <= T.sentLast) m.messages.sent += total;
    return;
  }
  const d = T.durations.indexOf(type as 31);
  if (d >= 0) {
    m[DURATION_FIELDS[d]!] = { count: Number(r.n), sumMs: total, avgMs: null, p50Ms: Number(r.p50), p90Ms: Number(r.p90), maxMs: Number(r.mx) };
  } else if (type === T.handled) m.tickets.handled = Number(r.tickets);
  else if (type === T.openAtEnd) m.tickets.openAtEnd = Number(r.n);
}
