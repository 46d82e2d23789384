/**
 * KPI rollups on Postgres at scale: a month with 1,000,000 messages (100,000 tickets, 40
 * agents) generated in SQL, then the monthly per-agent rollup three ways, median of several runs:
 *
 * - store: what Switchboard runs for `sb.kpis` on this store — `computeKpiRollup`, the replay
 *   and grouping in SQL (every metric);
 * - facts + pure: `listKpiFacts` (the month's log in one snapshot) and core's pure calculators,
 *   what a store without its own rollup costs;
 * - hand-written SQL: one query for the metrics plain SQL can get from this history's shape
 *   (one assignment per ticket, strictly alternating customer / agent messages): messages,
 *   assignments, closings, handled tickets, first-response, reply and resolution durations.
 *
 * All three are checked to agree before timing (the store's rollup equals the pure calculators'
 * on every metric; the hand-written query on its subset). Needs DATABASE_URL (skips without);
 * the history lives in schema `bench_kpis` (KPI_BENCH_SCHEMA) and is reused by later runs.
 */
import { normalizeKpiRows, resolveKpiOptions, rollupKpis, type KpiDuration, type KpiRollupRow } from '@switchboard/core';
import { postgresStore } from '@switchboard/storage-postgres';
import { median } from './lib/stats.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.log('kpis-postgres: SKIPPED (set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> to run it)');
  process.exit(0);
}

const TICKETS = Number(process.env.KPI_BENCH_TICKETS ?? 100_000);
const MESSAGES_PER_TICKET = 10;
const AGENTS = 40;
const CUSTOMERS = Math.ceil(TICKETS / 2);
const RUNS = Number(process.env.KPI_BENCH_RUNS ?? 3);
// A different schema per history size keeps both (KPI_BENCH_SCHEMA=bench_kpis_small with a small KPI_BENCH_TICKETS).
const SCHEMA = process.env.KPI_BENCH_SCHEMA ?? 'bench_kpis';
const range = { from: new Date('2026-04-01T00:00:00Z'), to: new Date('2026-05-01T00:00:00Z') };
const query = { ...range, ...resolveKpiOptions({ timeZone: 'UTC' }), by: 'agent' as const, period: 'month' as const };

const store = postgresStore({ connectionString: url, schema: SCHEMA, poolSize: 4 });
await store.init();
const db = store.db;

// ------------------------------------------------------------------ the history, in SQL

const [{ n: existing } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM _sb_.messages');
if (existing !== TICKETS * MESSAGES_PER_TICKET) {
  const started = performance.now();
  await db.exec(`TRUNCATE _sb_.csat_answers, _sb_.csat_requests, _sb_.messages, _sb_.ticket_events, _sb_.tickets,
    _sb_.customer_channels, _sb_.customers, _sb_.agent_status_log, _sb_.agents CASCADE`);
  const start = "timestamptz '2026-04-01T00:00:00Z'";
  await db.exec(`
    INSERT INTO _sb_.agents (id, name, capacity, status, branch, skills, status_changed_at, created_at)
    SELECT 'agt_b' || lpad(a::text, 3, '0'), 'Agent ' || a, 8, 'online', 'b' || (a % 4), '{}', ${start} - interval '1 day', ${start} - interval '1 day'
      FROM generate_series(0, ${AGENTS - 1}) a;
    INSERT INTO _sb_.agent_status_log (agent_id, status, previous, at) SELECT id, 'online', NULL, created_at FROM _sb_.agents ORDER BY id;
    INSERT INTO _sb_.customers (id, identity, phone, name, created_at, updated_at)
    SELECT 'cus_b' || lpad(c::text, 7, '0'), '+2010' || lpad(c::text, 8, '0'), '+2010' || lpad(c::text, 8, '0'), NULL,
           ${start} - interval '1 day', ${start} - interval '1 day'
      FROM generate_series(0, ${CUSTOMERS - 1}) c;

    -- Ticket i opens at an even spread over 29 days (plus jitter); it is assigned 1 min later; the
    -- customer writes 5 times, 20 min apart; an agent answers each after 2..14 min; closed 10 min
    -- after the last answer.
    CREATE TEMP TABLE bench_t ON COMMIT DROP AS
    SELECT i, 'tkt_b' || lpad(i::text, 7, '0') AS id, 'cus_b' || lpad((i % ${CUSTOMERS})::text, 7, '0') AS customer_id,
           'agt_b' || lpad((i % ${AGENTS})::text, 3, '0') AS agent_id,
           ${start} + make_interval(secs => floor(i::double precision * 29 * 86400 / ${TICKETS}) + (i * 37) % 60) AS opened_at
      FROM generate_series(0, ${TICKETS - 1}) i;
    CREATE TEMP TABLE bench_m ON COMMIT DROP AS
    SELECT t.i, t.id AS ticket_id, t.customer_id, t.agent_id, k,
           t.opened_at + make_interval(mins => k * 20) AS in_at,
           t.opened_at + make_interval(mins => k * 20 + 2 + (t.i + k * 5) % 13) AS out_at
      FROM bench_t t CROSS JOIN generate_series(0, ${MESSAGES_PER_TICKET / 2 - 1}) k;

    INSERT INTO _sb_.tickets (id, channel_id, customer_id, status, assignee_id, branch, skills, opened_at, queued_at, closed_at,
                              last_activity_at, last_inbound_at, last_agent_reply_at, reopen_count, last_assignee_id)
    SELECT t.id, 'main', t.customer_id, 'closed', t.agent_id, NULL, '{}', t.opened_at, t.opened_at, c.closed_at, c.closed_at,
           c.last_in, c.last_out, 0, t.agent_id
      FROM bench_t t
      JOIN (SELECT ticket_id, max(out_at) + interval '10 minutes' AS closed_at, max(in_at) AS last_in, max(out_at) AS last_out
              FROM bench_m GROUP BY ticket_id) c ON c.ticket_id = t.id;
    INSERT INTO _sb_.ticket_events (id, ticket_id, type, from_status, to_status, from_agent_id, to_agent_id, from_branch, to_branch, actor, reason, at)
    SELECT 'evt_b' || lpad(t.i::text, 7, '0') || e.n, t.id, e.type, e.from_status, e.to_status, e.from_agent, e.to_agent, NULL, NULL,
           e.actor, NULL, e.at
      FROM _sb_.tickets t0 JOIN bench_t t ON t.id = t0.id
      CROSS JOIN LATERAL (VALUES
        (0, 'opened', NULL, 'queued', NULL, NULL, jsonb_build_object('type', 'customer', 'id', t.customer_id), t.opened_at),
        (1, 'assigned', 'queued', 'open', NULL, t.agent_id, '{"type":"system"}'::jsonb, t.opened_at + interval '1 minute'),
        (2, 'closed', 'open', 'closed', t.agent_id, t.agent_id, jsonb_build_object('type', 'agent', 'id', t.agent_id), t0.closed_at)
      ) AS e(n, type, from_status, to_status, from_agent, to_agent, actor, at)
     ORDER BY t.i, e.n;
    INSERT INTO _sb_.messages (id, channel_id, ticket_id, customer_id, direction, author, content, provider_message_id, status,
                               error, reply_to_provider_message_id, provider_timestamp, created_at, status_at)
    SELECT 'msg_b' || lpad(m.i::text, 7, '0') || lpad((m.k * 2 + d.o)::text, 2, '0'), 'main', m.ticket_id, m.customer_id,
           CASE d.o WHEN 0 THEN 'inbound' ELSE 'outbound' END,
           CASE d.o WHEN 0 THEN jsonb_build_object('type', 'customer', 'id', m.customer_id) ELSE jsonb_build_object('type', 'agent', 'id', m.agent_id) END,
           '{"type":"text","text":"hello"}'::jsonb,
           (CASE d.o WHEN 0 THEN 'in.' ELSE 'out.' END) || m.i || '.' || m.k,
           CASE d.o WHEN 0 THEN 'received' ELSE 'sent' END, NULL, NULL, NULL,
           CASE d.o WHEN 0 THEN m.in_at ELSE m.out_at END, CASE d.o WHEN 0 THEN m.in_at ELSE m.out_at END
      FROM bench_m m CROSS JOIN (VALUES (0), (1)) d(o)
     ORDER BY m.i, m.k, d.o;
    ANALYZE;`);
  console.log(`generated ${(TICKETS * MESSAGES_PER_TICKET).toLocaleString('en')} messages in ${Math.round(performance.now() - started)} ms`);
}

// ------------------------------------------------------------------ the two ways

async function viaStore(): Promise<KpiRollupRow[]> {
  return normalizeKpiRows(await store.computeKpiRollup(query), query);
}

async function viaFacts(): Promise<KpiRollupRow[]> {
  return rollupKpis(await store.listKpiFacts(range), query);
}

interface SqlRow {
  agent: string;
  received: number;
  sent: number;
  assigned: number;
  closed: number;
  handled: number;
  first: number[];
  reply: number[];
  resolution: number[];
}

/** Per agent: counts, and for each duration kind [count, sum, p50, p90, max] (nearest rank, like core). */
const HAND_WRITTEN = `
WITH r AS (SELECT $1::timestamptz AS f, $2::timestamptz AS t),
msg AS (
  SELECT m.ticket_id, m.direction, m.author ->> 'id' AS author_id, m.created_at,
         lag(m.created_at) OVER w AS prev_at, lag(m.direction) OVER w AS prev_dir,
         count(*) FILTER (WHERE m.direction = 'outbound') OVER w AS outbound_no
    FROM _sb_.messages m
   WHERE m.created_at < (SELECT t FROM r)
  WINDOW w AS (PARTITION BY m.ticket_id ORDER BY m.created_at, m.id)
),
ev AS (
  SELECT ticket_id,
         max(at) FILTER (WHERE type = 'opened') AS opened_at,
         max(at) FILTER (WHERE type = 'assigned') AS assigned_at,
         max(to_agent_id) FILTER (WHERE type = 'assigned') AS assignee,
         max(at) FILTER (WHERE type = 'closed') AS closed_at,
         max(from_agent_id) FILTER (WHERE type = 'closed') AS closer
    FROM _sb_.ticket_events GROUP BY ticket_id
),
waits AS (
  SELECT author_id AS agent, outbound_no = 1 AS first, extract(epoch FROM created_at - prev_at) * 1000 AS ms
    FROM msg, r WHERE direction = 'outbound' AND prev_dir = 'inbound' AND created_at >= r.f AND created_at < r.t
),
res AS (
  SELECT closer AS agent, extract(epoch FROM closed_at - opened_at) * 1000 AS ms
    FROM ev, r WHERE closed_at >= r.f AND closed_at < r.t
),
received AS (
  SELECT ev.assignee AS agent, count(*)::int AS received
    FROM msg JOIN ev USING (ticket_id), r
   WHERE msg.direction = 'inbound' AND msg.created_at >= ev.assigned_at AND msg.created_at >= r.f AND msg.created_at < r.t
   GROUP BY ev.assignee
),
sent AS (
  SELECT author_id AS agent, count(*)::int AS sent, count(DISTINCT ticket_id)::int AS handled
    FROM msg, r WHERE direction = 'outbound' AND created_at >= r.f AND created_at < r.t GROUP BY author_id
),
assigned AS (SELECT assignee AS agent, count(*)::int AS assigned FROM ev, r WHERE assigned_at >= r.f AND assigned_at < r.t GROUP BY assignee),
closed AS (SELECT closer AS agent, count(*)::int AS closed FROM ev, r WHERE closed_at >= r.f AND closed_at < r.t GROUP BY closer),
counts AS (
  SELECT a.id AS agent, coalesce(received, 0) AS received, coalesce(sent, 0) AS sent, coalesce(assigned, 0) AS assigned,
         coalesce(closed, 0) AS closed, coalesce(handled, 0) AS handled
    FROM _sb_.agents a
    LEFT JOIN received ON received.agent = a.id LEFT JOIN sent ON sent.agent = a.id
    LEFT JOIN assigned ON assigned.agent = a.id LEFT JOIN closed ON closed.agent = a.id
),
stats AS (
  SELECT agent, kind, ARRAY[count(*), sum(ms), percentile_disc(0.5) WITHIN GROUP (ORDER BY ms),
                            percentile_disc(0.9) WITHIN GROUP (ORDER BY ms), max(ms)] AS d
    FROM (SELECT agent, CASE WHEN first THEN 'first' ELSE 'reply' END AS kind, ms FROM waits
          UNION ALL SELECT agent, 'resolution', ms FROM res) x
   GROUP BY agent, kind
)
SELECT c.*, f.d AS first, rp.d AS reply, rs.d AS resolution
  FROM counts c
  LEFT JOIN stats f ON f.agent = c.agent AND f.kind = 'first'
  LEFT JOIN stats rp ON rp.agent = c.agent AND rp.kind = 'reply'
  LEFT JOIN stats rs ON rs.agent = c.agent AND rs.kind = 'resolution'
 ORDER BY c.agent`;

async function viaSql(): Promise<SqlRow[]> {
  return db.query<SqlRow>(HAND_WRITTEN, [range.from, range.to]);
}

// ------------------------------------------------------------------ check, then time

// Writing the history marked every ticket for the store's materialized replay (migration 0022):
// the first rollup replays them all. Timed on its own; the runs below read the kept replay.
let started = performance.now();
const storeAll = await viaStore();
const firstMs = performance.now() - started;

const duration = (d: KpiDuration): number[] => [d.count, d.sumMs, d.p50Ms ?? 0, d.p90Ms ?? 0, d.maxMs ?? 0];
const fromSql = (v: unknown[] | null): number[] => (v ?? [0, 0, 0, 0, 0]).map((x) => Number(x ?? 0));
if (JSON.stringify(storeAll) !== JSON.stringify(await viaFacts())) {
  console.error('kpis-postgres: the store rollup (SQL) and the pure calculators disagree');
  process.exit(1);
}
const storeRows = storeAll.filter((r) => r.key !== null);
const sqlRows = await viaSql();
const comparable = (rows: KpiRollupRow[]) =>
  rows.map((r) => ({
    agent: r.key,
    received: r.metrics.messages.received,
    sent: r.metrics.messages.sentBy.agent,
    assigned: r.metrics.tickets.assigned,
    closed: r.metrics.tickets.closed,
    handled: r.metrics.tickets.handled,
    first: duration(r.metrics.firstResponse),
    reply: duration(r.metrics.reply),
    resolution: duration(r.metrics.resolution),
  }));
const handRows = sqlRows.map((r) => ({ ...r, first: fromSql(r.first), reply: fromSql(r.reply), resolution: fromSql(r.resolution) }));
if (JSON.stringify(comparable(storeRows)) !== JSON.stringify(handRows)) {
  console.error('kpis-postgres: the store and the hand-written query disagree', JSON.stringify(comparable(storeRows)[0]), JSON.stringify(handRows[0]));
  process.exit(1);
}

const storeMs: number[] = [];
const factsMs: number[] = [];
const sqlMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  started = performance.now();
  await viaStore();
  storeMs.push(performance.now() - started);
  started = performance.now();
  await viaFacts();
  factsMs.push(performance.now() - started);
  started = performance.now();
  await viaSql();
  sqlMs.push(performance.now() - started);
}
// Keeping the replay current: 1,000 tickets (1 %) change (an agent reply turns failed), then a
// rollup replays just those; the change is undone afterwards so the history stays as generated.
const changed = `SELECT DISTINCT ON (ticket_id) id FROM _sb_.messages WHERE direction = 'outbound' AND ticket_id < 'tkt_b0001000' ORDER BY ticket_id, id`;
await db.query(`UPDATE _sb_.messages SET status = 'failed' WHERE id IN (${changed})`);
started = performance.now();
await viaStore();
const afterChangeMs = performance.now() - started;
await db.query(`UPDATE _sb_.messages SET status = 'sent' WHERE id IN (${changed.replace("direction = 'outbound'", "direction = 'outbound' AND status = 'failed'")})`);
await viaStore();
await store.close();

const s = median(storeMs);
const q = median(sqlMs);
console.log(`\nKPI monthly per-agent rollup on Postgres (${(TICKETS * MESSAGES_PER_TICKET).toLocaleString('en')} messages, ${AGENTS} agents), median of ${RUNS}`);
console.table({
  'store: computeKpiRollup in SQL (all metrics)': { ms: Math.round(s) },
  'listKpiFacts + pure calculators (all metrics)': { ms: Math.round(median(factsMs)) },
  'hand-written SQL (subset of metrics)': { ms: Math.round(q) },
});
console.log(
  `first rollup after the history was written (replays all ${TICKETS.toLocaleString('en')} tickets into the store's kept replay, once): ${Math.round(firstMs)} ms`,
);
console.log(`rollup right after 1,000 tickets (1 %) changed (replays those first): ${Math.round(afterChangeMs)} ms`);
console.log(`ratio store / hand-written SQL: ${(s / q).toFixed(2)}× (target ≤ 1.2×)`);
