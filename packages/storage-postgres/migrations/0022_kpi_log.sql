-- KPI rollups from a materialized replay (Store.computeKpiRollup). 0021 replayed the range's
-- whole log on every rollup: one sort of every event and message before the range's end and four
-- window passes, most of the rollup's time. A row's replay state (open or closed, holder, branch,
-- the wait going, the cycle's start, whether a reply is the first of its cycle) depends only on
-- its ticket's log before it, never on the range or the options, so it is kept in `kpi_log`: one
-- row per event and message with the state before it, plus one terminal row per ticket (the
-- state after its whole log). A rollup reads the rows in its range and, for the tickets still
-- non-closed at the range's end, the state just before the first row at or after the end; the
-- thresholds, time zone and grouping apply at query time exactly as in 0021.
--
-- Writes keep it current without replaying anything: triggers on messages, ticket_events and
-- tickets append the ticket to `kpi_dirty`, and `kpi_refresh()` (run by computeKpiRollup before
-- it reads) replays just those tickets' logs. Marks are appended, never upserted: a writer takes
-- no lock a refresh could wait on (or deadlock with), and a refresh deletes only the marks it can
-- see, so the mark of a write still in progress survives it for the next refresh.

CREATE TABLE _sb_.kpi_log (
  tid text COLLATE "C" NOT NULL,
  -- position in the ticket's replay order (events before messages in one millisecond, outbound
  -- messages leading a close before it); the terminal row is last, at ms = max bigint
  pos int NOT NULL,
  -- 1 event, 2 message, 3 terminal
  kind smallint NOT NULL,
  ms bigint NOT NULL,
  tch text NOT NULL,
  type text, from_agent text, to_agent text, from_branch text, to_branch text,
  -- a message's counter type (core's kpi-samples.ts: 0 received, 1..6 sent by author), whether it
  -- counts (not failed), the agent who wrote it, its channel
  code smallint, ok boolean, aid text, mch text,
  -- the state before this row: open (null before any event), holder, ticket branch
  open_b boolean, holder_b text, branch_b text,
  is_ce boolean NOT NULL, is_r boolean NOT NULL, iv_end boolean NOT NULL,
  -- start of the current holder stretch, of the cycle, of what this row ends, of the wait going
  l_iv bigint, cyc bigint, start bigint, w bigint,
  first boolean NOT NULL,
  PRIMARY KEY (tid, ms, pos)
);
CREATE INDEX kpi_log_ms ON _sb_.kpi_log (ms);

CREATE TABLE _sb_.kpi_dirty (ticket_id text COLLATE "C" NOT NULL);
INSERT INTO _sb_.kpi_dirty (ticket_id) SELECT id FROM _sb_.tickets;

CREATE FUNCTION _sb_.kpi_mark_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO _sb_.kpi_dirty (ticket_id)
  SELECT DISTINCT ticket_id FROM kpi_rows WHERE ticket_id IS NOT NULL;
  RETURN NULL;
END $$;

CREATE FUNCTION _sb_.kpi_mark_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO _sb_.kpi_dirty (ticket_id)
  SELECT DISTINCT x FROM unnest(CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW.ticket_id] WHEN 'DELETE' THEN ARRAY[OLD.ticket_id] ELSE ARRAY[OLD.ticket_id, NEW.ticket_id] END) x
   WHERE x IS NOT NULL;
  RETURN NULL;
END $$;

CREATE FUNCTION _sb_.kpi_mark_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO _sb_.kpi_dirty (ticket_id) VALUES (OLD.id);
  RETURN NULL;
END $$;

-- TRUNCATE fires no row triggers: start over.
CREATE FUNCTION _sb_.kpi_mark_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE _sb_.kpi_log;
  INSERT INTO _sb_.kpi_dirty (ticket_id) SELECT id FROM _sb_.tickets;
  RETURN NULL;
END $$;

CREATE TRIGGER kpi_messages_insert AFTER INSERT ON _sb_.messages
  REFERENCING NEW TABLE AS kpi_rows FOR EACH STATEMENT EXECUTE FUNCTION _sb_.kpi_mark_inserted();
CREATE TRIGGER kpi_events_insert AFTER INSERT ON _sb_.ticket_events
  REFERENCING NEW TABLE AS kpi_rows FOR EACH STATEMENT EXECUTE FUNCTION _sb_.kpi_mark_inserted();
-- Receipts update messages all the time; only what the replay reads marks the ticket.
CREATE TRIGGER kpi_messages_update AFTER UPDATE ON _sb_.messages FOR EACH ROW
  WHEN (OLD.ticket_id IS DISTINCT FROM NEW.ticket_id OR OLD.created_at IS DISTINCT FROM NEW.created_at
     OR OLD.id IS DISTINCT FROM NEW.id OR OLD.direction IS DISTINCT FROM NEW.direction
     OR OLD.author IS DISTINCT FROM NEW.author OR OLD.channel_id IS DISTINCT FROM NEW.channel_id
     OR (OLD.status = 'failed') IS DISTINCT FROM (NEW.status = 'failed'))
  EXECUTE FUNCTION _sb_.kpi_mark_row();
CREATE TRIGGER kpi_messages_delete AFTER DELETE ON _sb_.messages FOR EACH ROW EXECUTE FUNCTION _sb_.kpi_mark_row();
CREATE TRIGGER kpi_events_change AFTER UPDATE OR DELETE ON _sb_.ticket_events FOR EACH ROW EXECUTE FUNCTION _sb_.kpi_mark_row();
CREATE TRIGGER kpi_tickets_change AFTER DELETE OR UPDATE OF id, channel_id ON _sb_.tickets FOR EACH ROW EXECUTE FUNCTION _sb_.kpi_mark_ticket();
CREATE TRIGGER kpi_messages_truncate AFTER TRUNCATE ON _sb_.messages FOR EACH STATEMENT EXECUTE FUNCTION _sb_.kpi_mark_all();
CREATE TRIGGER kpi_events_truncate AFTER TRUNCATE ON _sb_.ticket_events FOR EACH STATEMENT EXECUTE FUNCTION _sb_.kpi_mark_all();
CREATE TRIGGER kpi_tickets_truncate AFTER TRUNCATE ON _sb_.tickets FOR EACH STATEMENT EXECUTE FUNCTION _sb_.kpi_mark_all();

-- Replays the marked tickets' whole logs into kpi_log (0021's window passes, per ticket, with no
-- range); returns how many tickets it replayed. One refresh at a time per schema.
CREATE FUNCTION _sb_.kpi_refresh() RETURNS int LANGUAGE plpgsql AS $fn$
DECLARE
  v_ids text[];
  v_rows bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('switchboard-kpi-refresh:_sb_.', 0));
  WITH d AS (DELETE FROM _sb_.kpi_dirty RETURNING ticket_id) SELECT array_agg(DISTINCT ticket_id) INTO v_ids FROM d;
  IF v_ids IS NULL THEN
    RETURN 0;
  END IF;
  DELETE FROM _sb_.kpi_log WHERE tid = ANY (v_ids);
  -- Planned per call (EXECUTE): a handful of tickets or every ticket after a migration.
  EXECUTE $q$
WITH tk AS MATERIALIZED (
  SELECT t.id, t.channel_id FROM _sb_.tickets t JOIN unnest($1::text[]) AS i(id) ON i.id = t.id
), fc AS (
  -- Milliseconds with a `closed` event: its first one, and the first customer message then.
  SELECT c.ticket_id, c.ms, c.seq,
         (SELECT min(i.id) FROM _sb_.messages i
           WHERE i.created_at >= to_timestamp((c.ms - 1) / 1000.0) AND i.created_at < to_timestamp((c.ms + 1) / 1000.0)
             -- (|| '': look the instant up in messages_created, not the ticket's whole history)
             AND i.ticket_id || '' = c.ticket_id AND i.direction = 'inbound' AND (extract(epoch FROM i.created_at) * 1000)::bigint = c.ms) AS fi
    FROM (SELECT e.ticket_id, (extract(epoch FROM e.at) * 1000)::bigint AS ms, min(e.seq) AS seq
            FROM _sb_.ticket_events e JOIN tk ON tk.id = e.ticket_id WHERE e.type = 'closed' GROUP BY 1, 2) c
), s1 AS (
  -- The log in replay order: events and messages, then a terminal row. In one millisecond events
  -- go first, except that the outbound messages leading it go just before its first `closed`
  -- event (a reply before the close it preceded).
  -- st_s / st_h: the last event before (status, holder, ticket branch), as sortable text.
  SELECT x.*, row_number() OVER wb AS pos,
         max(x.evk COLLATE "C") OVER wb AS st_s,
         max(x.evk COLLATE "C") FILTER (WHERE x.to_status <> 'closed') OVER wb AS st_h
    FROM (
      SELECT e.ticket_id AS tid, e.tch, e.ms, CASE WHEN fc.seq IS NULL OR e.seq < fc.seq THEN 0 WHEN fc.fi IS NOT NULL THEN 1 ELSE 2 END AS a,
             CASE WHEN fc.seq IS NOT NULL AND e.seq >= fc.seq THEN fc.fi END AS sub_t, 0 AS b, e.seq AS sub_n, 1 AS kind,
             _sb_.kpi_key(e.ms, e.seq) || CASE WHEN e.to_status = 'closed' THEN 'c' ELSE 'o' END
               || CASE WHEN e.to_status = 'closed' THEN '' ELSE coalesce('V' || e.to_agent_id, 'N') END || chr(1) || coalesce('V' || e.to_branch, 'N') AS evk,
             e.type, e.to_status, e.from_agent_id AS from_agent, e.to_agent_id AS to_agent, e.from_branch, e.to_branch,
             NULL::int AS code, NULL::boolean AS ok, NULL::text AS aid, NULL::text AS mch
        FROM (SELECT e.*, tk.channel_id AS tch, (extract(epoch FROM e.at) * 1000)::bigint AS ms FROM _sb_.ticket_events e JOIN tk ON tk.id = e.ticket_id) e
        LEFT JOIN fc ON fc.ticket_id = e.ticket_id AND fc.ms = e.ms
      UNION ALL
      SELECT m.ticket_id, m.tch, m.ms, 1, m.id, 1, NULL, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             CASE WHEN m.direction = 'inbound' THEN 0 ELSE CASE m.author ->> 'type' WHEN 'agent' THEN 2 WHEN 'phone' THEN 3 WHEN 'user' THEN 4 WHEN 'bot' THEN 5 WHEN 'system' THEN 6 ELSE 1 END END,
             m.status <> 'failed', CASE WHEN m.direction = 'outbound' AND m.author ->> 'type' = 'agent' THEN m.author ->> 'id' END, m.channel_id
        FROM (SELECT m.*, tk.channel_id AS tch, (extract(epoch FROM m.created_at) * 1000)::bigint AS ms FROM _sb_.messages m JOIN tk ON tk.id = m.ticket_id) m
      UNION ALL
      SELECT tk.id, tk.channel_id, 9223372036854775807, 9, NULL, 0, NULL, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        FROM tk
    ) x
  WINDOW wb AS (PARTITION BY x.tid ORDER BY x.ms, x.a, x.sub_t, x.b, x.sub_n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), s1x AS (
  -- The state just before each row (open, holder, ticket branch) and the row's kinds.
  SELECT s.tid, s.ms, s.a, s.sub_t, s.b, s.sub_n, s.kind, s.tch, s.pos, s.code, s.ok, s.aid, s.mch,
         s.type, s.from_agent, s.to_agent, s.from_branch, s.to_branch, s.open_b, s.holder_b, s.branch_b,
         s.kind = 1 AND s.type IN ('opened', 'reopened') AS is_o,
         s.kind = 1 AND s.type = 'closed' AND s.open_b IS DISTINCT FROM false AS is_ce,
         s.kind = 1 AND s.type = 'handoff' AS is_h,
         s.kind = 1 AND s.type = 'handoff' AND s.open_b IS DISTINCT FROM false AS is_hw,
         s.kind = 2 AND s.code = 0 AND s.open_b AS is_i,
         s.kind = 2 AND s.code IN (2, 3, 4) AND s.ok AND s.open_b AS is_r,
         s.kind = 2 AND s.code = 5 AND s.ok AND s.open_b AS is_b,
         -- non-closed stretches with one holder and branch: where one ends, where one starts
         s.kind = 1 AND s.open_b AND (s.to_status = 'closed' OR s.to_agent IS DISTINCT FROM s.holder_b OR s.to_branch IS DISTINCT FROM s.branch_b) AS iv_end,
         s.kind = 1 AND s.to_status <> 'closed' AND (s.open_b IS NOT TRUE OR s.to_agent IS DISTINCT FROM s.holder_b OR s.to_branch IS DISTINCT FROM s.branch_b) AS iv_start
    FROM (SELECT s1.*, CASE substr(st_s, 38, 1) WHEN 'o' THEN true WHEN 'c' THEN false END AS open_b,
                 CASE WHEN substr(st_h, 39, 1) = 'V' THEN split_part(substr(st_h, 40), chr(1), 1) END AS holder_b,
                 CASE WHEN split_part(st_s, chr(1), 2) LIKE 'V%' THEN substr(split_part(st_s, chr(1), 2), 2) END AS branch_b
            FROM s1) s
), s2 AS (
  -- Positions of the last row of each kind before this one (0: none).
  SELECT s.*,
         coalesce(max(pos) FILTER (WHERE is_o OR is_ce) OVER wb, 0) AS l_c,
         coalesce(max(pos) FILTER (WHERE is_o OR is_ce OR is_r) OVER wb, 0) AS l_cr,
         coalesce(max(pos) FILTER (WHERE is_o) OVER wb, 0) AS l_o,
         max(ms) FILTER (WHERE is_o) OVER wb AS l_o_ms,
         coalesce(max(pos) FILTER (WHERE is_h) OVER wb, 0) AS l_h,
         coalesce(max(pos) FILTER (WHERE is_i) OVER wb, 0) AS l_i,
         coalesce(max(pos) FILTER (WHERE is_i OR is_hw) OVER wb, 0) AS l_ih,
         max(ms) FILTER (WHERE iv_start) OVER wb AS l_iv
    FROM s1x s
  WINDOW wb AS (PARTITION BY tid ORDER BY ms, a, sub_t, b, sub_n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), s3 AS (
  -- eff_b: a bot reply that suspends the wait (one going since the last reset, not handed off
  -- this cycle); rs: a human reply that ends a wait or suspension.
  SELECT s.*,
         coalesce(max(pos) FILTER (WHERE is_o OR is_ce OR is_r OR eff_b) OVER wb, 0) AS l_m,
         coalesce(max(pos) FILTER (WHERE eff_b) OVER wb, 0) AS l_b,
         max(ms) FILTER (WHERE eff_b) OVER wb AS l_b_ms,
         coalesce(max(pos) FILTER (WHERE rs) OVER wb, 0) AS l_rs
    FROM (SELECT s2.*, is_b AND l_h <= l_c AND l_i > l_cr AS eff_b, is_r AND l_ih > l_cr AS rs FROM s2) s
  WINDOW wb AS (PARTITION BY tid ORDER BY ms, a, sub_t, b, sub_n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), s4 AS (
  -- fw: the customer message or hand-off that starts a wait (none going since the last reset).
  SELECT s.*,
         coalesce(max(pos) FILTER (WHERE fw) OVER wb, 0) AS l_w,
         max(ms) FILTER (WHERE fw) OVER wb AS l_w_ms
    FROM (SELECT s3.*, (is_i OR is_hw) AND l_ih <= l_m AS fw FROM s3) s
  WINDOW wb AS (PARTITION BY tid ORDER BY ms, a, sub_t, b, sub_n ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
)
INSERT INTO _sb_.kpi_log (tid, pos, kind, ms, tch, type, from_agent, to_agent, from_branch, to_branch, code, ok, aid, mch,
                          open_b, holder_b, branch_b, is_ce, is_r, iv_end, l_iv, cyc, start, w, first)
SELECT s.tid, s.pos, s.kind, s.ms, s.tch, s.type, s.from_agent, s.to_agent, s.from_branch, s.to_branch, s.code, s.ok, s.aid, s.mch,
       s.open_b, s.holder_b, s.branch_b, coalesce(s.is_ce, false), coalesce(s.is_r, false), coalesce(s.iv_end, false), s.l_iv,
       -- the cycle a close (or the end of a range) ends
       CASE WHEN s.l_o > 0 AND s.l_o = s.l_c THEN s.l_o_ms END,
       -- the wait (or suspension, for a reply) a reply or a close ends
       CASE WHEN s.is_r THEN coalesce(s.w, CASE WHEN s.l_b > 0 AND s.l_b = s.l_m THEN s.l_b_ms END) WHEN s.is_ce THEN s.w END,
       s.w, s.l_rs <= s.l_o
  FROM (SELECT s4.*, CASE WHEN l_w > l_m THEN l_w_ms END AS w FROM s4) s
$q$ USING v_ids;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  -- After a large replay (the first one above all) the planner's row counts are far off, and a
  -- rollup planned on them runs nested loops over a million rows: refresh the statistics.
  IF v_rows > 1000 + 0.1 * greatest((SELECT reltuples FROM pg_class WHERE oid = '_sb_.kpi_log'::regclass), 0) THEN
    ANALYZE _sb_.kpi_log;
  END IF;
  RETURN cardinality(v_ids);
END $fn$;

-- One row per (key, period, sample type): n, total, and for durations p50/p90/max (nearest
-- rank, like core), for handled tickets the distinct count. Types are core's sample codes
-- (kpi-samples.ts). p_by: 'all' | 'agent' | 'branch' | 'channel'; p_period: 'day' | 'month' |
-- 'range'; with p_key_only only the rows of key p_key. Reads kpi_log as it is: run
-- kpi_refresh() first.
CREATE OR REPLACE FUNCTION _sb_.kpi_rollup(
  p_from bigint, p_to bigint, p_tz text, p_delay double precision,
  p_sla_first double precision, p_sla_next double precision, p_sla_res double precision,
  p_period text, p_by text, p_key_only boolean, p_key text
) RETURNS TABLE (k text, period text, s_type int, n int, total double precision, p50 double precision, p90 double precision, mx double precision, tickets int)
LANGUAGE sql STABLE AS $$
WITH days AS MATERIALIZED (
  -- The range's local days [d0, d1), the period each belongs to, and whether it ends it.
  SELECT j, d0, d1, label, lead(label) OVER (ORDER BY j) IS DISTINCT FROM label AS period_end
    FROM (SELECT j, d0, d1, CASE p_period WHEN 'day' THEN to_char(ld, 'YYYY-MM-DD') WHEN 'month' THEN to_char(ld, 'YYYY-MM') ELSE 'range' END AS label
            FROM (SELECT j, d0, d1, (to_timestamp(d0 / 1000.0) AT TIME ZONE p_tz)::date AS ld
                    FROM (SELECT j, coalesce(lag(d1) OVER (ORDER BY j), p_from) AS d0, d1
                            FROM unnest(_sb_.kpi_day_ends(p_from, p_to, p_tz)) WITH ORDINALITY AS u(d1, j)) a) b) c
), bounds AS MATERIALIZED (
  SELECT array_agg(d0 ORDER BY j) AS starts, array_agg(d1 ORDER BY j) AS ends, count(*)::int AS n FROM days
), re AS MATERIALIZED (
  -- The events in the range with what their samples need; j: the local day.
  SELECT l.tid, l.tch, l.kind, l.ms, width_bucket(l.ms, (SELECT starts FROM bounds)) AS j, l.type, l.from_agent, l.to_agent,
         l.from_branch, l.to_branch, l.code, l.ok, l.aid, l.mch, l.open_b, l.holder_b, l.branch_b, l.is_ce, l.is_r,
         l.iv_end AS iv, l.l_iv, l.cyc, l.start, l.first
    FROM _sb_.kpi_log l WHERE l.kind = 1 AND l.ms >= p_from AND l.ms < p_to
  UNION ALL
  -- The end of the range, for each ticket non-closed then: the state before its first row at or
  -- after the end (its terminal row when there is none). A ticket closed before the end, and not
  -- reopened since, has closed_at before it.
  SELECT l.tid, l.tch, 3, p_to, (SELECT n FROM bounds), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         l.open_b, l.holder_b, l.branch_b, false, false, true, l.l_iv, l.cyc, l.w, l.first
    FROM _sb_.tickets t
    CROSS JOIN LATERAL (SELECT * FROM _sb_.kpi_log x WHERE x.tid = t.id AND x.ms >= p_to ORDER BY x.ms, x.pos LIMIT 1) l
   WHERE t.opened_at < to_timestamp(p_to / 1000.0) AND (t.status <> 'closed' OR t.closed_at >= to_timestamp(p_to / 1000.0)) AND l.open_b
), rr AS MATERIALIZED (
  -- The human replies in the range (every other message only adds to a counter: see cnt).
  SELECT l.tid, l.tch, l.kind, l.ms, width_bucket(l.ms, (SELECT starts FROM bounds)) AS j, l.type, l.from_agent, l.to_agent,
         l.from_branch, l.to_branch, l.code, l.ok, l.aid, l.mch, l.open_b, l.holder_b, l.branch_b, l.is_ce, l.is_r,
         l.iv_end AS iv, l.l_iv, l.cyc, l.start, l.first
    FROM _sb_.kpi_log l WHERE l.kind = 2 AND l.is_r AND l.ms >= p_from AND l.ms < p_to
), r AS NOT MATERIALIZED (
  SELECT * FROM re UNION ALL SELECT * FROM rr
), rare AS (
  -- Delays and SLA breaches, for whoever held the ticket when they happened.
  SELECT x.s_type, x.s_at, x.s_value, hb[1] AS s_agent, hb[2] AS s_tb, x.tch AS s_ch
    FROM (SELECT v.*, width_bucket(v.s_at, (SELECT starts FROM bounds)) AS j, _sb_.kpi_holder_at(r.tid, v.s_at) AS hb, r.tch
            FROM (SELECT r.*, CASE WHEN first THEN p_sla_first ELSE p_sla_next END AS target FROM r
                   WHERE (start IS NOT NULL AND (ms - start > p_delay OR ms - start > coalesce(CASE WHEN first THEN p_sla_first ELSE p_sla_next END, 'Infinity')))
                      OR (cyc IS NOT NULL AND (is_ce OR (kind = 3 AND open_b)) AND ms - cyc > p_sla_res)) r
           CROSS JOIN LATERAL (VALUES
             (34, r.start + p_delay::bigint, (r.ms - r.start)::double precision, r.start IS NOT NULL AND r.ms - r.start > p_delay),
             (CASE WHEN r.first THEN 14 ELSE 16 END, r.start + r.target::bigint, 1, r.start IS NOT NULL AND r.target > 0 AND r.ms - r.start > r.target),
             (18, r.cyc + p_sla_res::bigint, 1, r.cyc IS NOT NULL AND (r.is_ce OR (r.kind = 3 AND r.open_b)) AND p_sla_res > 0 AND r.ms - r.cyc > p_sla_res)
           ) v(s_type, s_at, s_value, ok)
           WHERE v.ok AND v.s_at >= p_from AND v.s_at < p_to) x
), other AS (
  -- CSAT requests (counted when asked, for the agent asked about; answers before the end).
  SELECT x.t AS s_type, q.ms AS s_at, CASE WHEN x.t = 21 THEN q.rating ELSE 1 END::double precision AS s_value, q.agent_id AS s_agent,
         (_sb_.kpi_holder_at(q.ticket_id, q.ms))[2] AS s_tb, q.channel_id AS s_ch
    FROM (SELECT q.ticket_id, q.agent_id, q.channel_id, a.rating, (extract(epoch FROM q.requested_at) * 1000)::bigint AS ms,
                 a.at IS NOT NULL AND (extract(epoch FROM a.at) * 1000)::bigint < p_to AS answered
            FROM _sb_.csat_requests q JOIN _sb_.tickets tk ON tk.id = q.ticket_id AND tk.opened_at < to_timestamp(p_to / 1000.0)
            LEFT JOIN LATERAL (SELECT a.rating, a.at FROM _sb_.csat_answers a WHERE a.request_id = q.id) a ON true
           WHERE q.requested_at < to_timestamp(p_to / 1000.0)
             AND (SELECT fm.status FROM _sb_.messages fm WHERE fm.id = q.message_id) IS DISTINCT FROM 'failed') q
    CROSS JOIN LATERAL (SELECT 19 AS t UNION ALL SELECT u FROM unnest(ARRAY[20, 21, 21 + q.rating]) u WHERE q.answered) x
   WHERE q.ms >= p_from AND q.ms < p_to
  -- Messages without a ticket.
  UNION ALL
  SELECT CASE WHEN m.direction = 'inbound' THEN 0 ELSE CASE m.author ->> 'type' WHEN 'agent' THEN 2 WHEN 'phone' THEN 3 WHEN 'user' THEN 4 WHEN 'bot' THEN 5 WHEN 'system' THEN 6 ELSE 1 END END,
         (extract(epoch FROM m.created_at) * 1000)::bigint, 1,
         CASE WHEN m.direction = 'outbound' AND m.author ->> 'type' = 'agent' THEN m.author ->> 'id' END, NULL, m.channel_id
    FROM _sb_.messages m
   WHERE m.ticket_id IS NULL AND m.created_at >= to_timestamp(p_from / 1000.0) AND m.created_at < to_timestamp(p_to / 1000.0)
     AND NOT (m.direction = 'outbound' AND m.status = 'failed')
), spans AS (
  -- Agent time: online spans from the status log (the last change before the range and the
  -- changes in it); load: held non-closed stretches while online.
  WITH log AS (
    SELECT l.agent_id, l.status, l.previous, (extract(epoch FROM l.at) * 1000)::bigint AS ms, l.seq,
           row_number() OVER (PARTITION BY l.agent_id ORDER BY l.at, l.seq) AS n
      FROM _sb_.agent_status_log l
     WHERE l.at < to_timestamp(p_to / 1000.0)
       AND (l.at >= to_timestamp(p_from / 1000.0)
         OR l.seq = (SELECT max(b.seq) FROM _sb_.agent_status_log b WHERE b.agent_id = l.agent_id AND b.at < to_timestamp(p_from / 1000.0)))
  ), agent0 AS (
    SELECT a.id, greatest(p_from, (extract(epoch FROM a.created_at) * 1000)::bigint) AS since0,
           coalesce((SELECT coalesce(l.previous, 'offline') FROM log l WHERE l.agent_id = a.id AND l.n = 1), a.status) AS status0
      FROM _sb_.agents a
  ), steps AS (
    SELECT a.id, a.since0 AS ms, a.status0 AS status, 0::bigint AS n, a.since0 FROM agent0 a
    UNION ALL
    SELECT l.agent_id, l.ms, l.status, l.n, a.since0 FROM log l JOIN agent0 a ON a.id = l.agent_id
  )
  SELECT id, greatest(ms, since0) AS s, least(coalesce(lead(ms) OVER (PARTITION BY id ORDER BY n), p_to), p_to) AS e, status FROM steps
), agent_time AS (
  SELECT 27 AS s_type, id AS s_agent, s, e FROM spans WHERE status = 'online' AND e > s
  UNION ALL
  SELECT 28, o.id, greatest(h.s, o.s), least(h.e, o.e)
    FROM (SELECT holder_b, greatest(l_iv, p_from) AS s, CASE WHEN kind = 1 THEN least(ms, p_to) ELSE p_to END AS e
            FROM r WHERE iv AND holder_b IS NOT NULL) h
    JOIN spans o ON o.id = h.holder_b AND o.status = 'online' AND o.s < h.e AND o.e > h.s
), agent_days AS (
  -- each span cut at local midnights
  SELECT x.s_type, x.s_agent, a.branch, a.capacity, g.j, (least(x.e, d.d1) - greatest(x.s, d.d0))::double precision AS ms
    FROM agent_time x
    CROSS JOIN LATERAL generate_series(width_bucket(x.s, (SELECT starts FROM bounds)), width_bucket(x.e - 1, (SELECT starts FROM bounds))) g(j)
    JOIN days d ON d.j = g.j JOIN _sb_.agents a ON a.id = x.s_agent
   WHERE x.e > x.s
), cnt AS (
  -- Counters and sums by (agent or channel, ticket branch) and day.
  SELECT k1, k2, j, s_type, count(*)::int AS n, sum(s_value) AS total FROM (
    -- messages: received (for the holder), sent (by author)
    SELECT CASE p_by WHEN 'channel' THEN mch WHEN 'all' THEN NULL ELSE CASE WHEN code = 0 THEN holder_b ELSE aid END END AS k1, CASE WHEN p_by = 'branch' THEN branch_b END AS k2,
           width_bucket(ms, (SELECT starts FROM bounds)) AS j, code AS s_type, 1::double precision AS s_value
      FROM _sb_.kpi_log WHERE kind = 2 AND ms >= p_from AND ms < p_to AND (code = 0 OR ok)
    UNION ALL
    -- events (closes: effective ones)
    SELECT CASE p_by WHEN 'channel' THEN tch WHEN 'all' THEN NULL ELSE CASE type WHEN 'closed' THEN from_agent WHEN 'handoff' THEN NULL ELSE to_agent END END,
           CASE WHEN p_by = 'branch' THEN CASE WHEN type = 'closed' THEN from_branch ELSE to_branch END END, j,
           CASE type WHEN 'opened' THEN 7 WHEN 'reopened' THEN 8 WHEN 'handoff' THEN 30 WHEN 'assigned' THEN 9 WHEN 'transferred' THEN 10 ELSE 12 END, 1
      FROM r WHERE kind = 1 AND (type IN ('opened', 'reopened', 'handoff', 'assigned', 'transferred') OR is_ce)
    UNION ALL
    -- transfers out; resolution and response SLAs met
    SELECT CASE p_by WHEN 'channel' THEN tch WHEN 'all' THEN NULL ELSE CASE WHEN kind = 2 THEN aid ELSE from_agent END END, CASE WHEN p_by = 'branch' THEN CASE WHEN kind = 2 THEN branch_b ELSE from_branch END END, j,
           CASE WHEN kind = 1 AND type = 'transferred' THEN 11 WHEN kind = 1 THEN 17 WHEN first THEN 13 ELSE 15 END, 1
      FROM r WHERE (kind = 1 AND type = 'transferred')
                OR (is_ce AND cyc IS NOT NULL AND p_sla_res > 0 AND ms - cyc <= p_sla_res)
                OR (is_r AND start IS NOT NULL AND coalesce(CASE WHEN first THEN p_sla_first ELSE p_sla_next END, 0) > 0
                    AND ms - start <= CASE WHEN first THEN p_sla_first ELSE p_sla_next END)
    UNION ALL
    SELECT CASE p_by WHEN 'channel' THEN s_ch WHEN 'all' THEN NULL ELSE s_agent END, CASE WHEN p_by = 'branch' THEN s_tb END, width_bucket(s_at, (SELECT starts FROM bounds)), s_type, s_value FROM rare WHERE s_type <> 34
    UNION ALL
    SELECT CASE p_by WHEN 'channel' THEN s_ch WHEN 'all' THEN NULL ELSE s_agent END, CASE WHEN p_by = 'branch' THEN s_tb END, width_bucket(s_at, (SELECT starts FROM bounds)), s_type, s_value FROM other
    UNION ALL
    -- online, load, capacity × online
    SELECT CASE p_by WHEN 'channel' THEN NULL WHEN 'all' THEN NULL ELSE s_agent END, CASE WHEN p_by = 'branch' THEN branch END, j, s_type, ms FROM agent_days WHERE p_by <> 'channel'
    UNION ALL
    SELECT CASE p_by WHEN 'channel' THEN NULL WHEN 'all' THEN NULL ELSE s_agent END, CASE WHEN p_by = 'branch' THEN branch END, j, 29, ms * capacity FROM agent_days WHERE p_by <> 'channel' AND s_type = 27
  ) s GROUP BY 1, 2, 3, 4
), dur AS (
  -- Durations: responses, resolutions, delays.
  SELECT CASE p_by WHEN 'channel' THEN tch WHEN 'all' THEN NULL ELSE CASE WHEN kind = 2 THEN aid ELSE from_agent END END AS k1, CASE WHEN p_by = 'branch' THEN CASE WHEN kind = 2 THEN branch_b ELSE from_branch END END AS k2, j,
         CASE WHEN kind = 1 THEN 33 WHEN first THEN 31 ELSE 32 END AS s_type,
         (ms - CASE WHEN kind = 1 THEN cyc ELSE start END)::double precision AS s_value
    FROM r WHERE (is_r AND start IS NOT NULL) OR (is_ce AND cyc IS NOT NULL)
  UNION ALL
  SELECT CASE p_by WHEN 'channel' THEN s_ch WHEN 'all' THEN NULL ELSE s_agent END, CASE WHEN p_by = 'branch' THEN s_tb END, width_bucket(s_at, (SELECT starts FROM bounds)), 34, s_value FROM rare WHERE s_type = 34
), handled AS (
  -- Tickets a human replied on while non-closed.
  SELECT DISTINCT CASE p_by WHEN 'channel' THEN tch WHEN 'all' THEN NULL ELSE aid END AS k1, CASE WHEN p_by = 'branch' THEN branch_b END AS k2, j, tid FROM r WHERE is_r
), open_end AS (
  -- Non-closed at a period's last local midnight (stretches covering it), for the holder.
  SELECT CASE p_by WHEN 'channel' THEN r.tch WHEN 'all' THEN NULL ELSE r.holder_b END AS k1, CASE WHEN p_by = 'branch' THEN r.branch_b END AS k2, g.j
    FROM (SELECT r.*, width_bucket(r.l_iv, (SELECT ends FROM bounds)) AS j0,
                 CASE WHEN r.kind = 1 THEN width_bucket(r.ms, (SELECT ends FROM bounds)) ELSE (SELECT n FROM bounds) END AS j1
            FROM r WHERE r.iv) r
    CROSS JOIN LATERAL generate_series(r.j0 + 1, r.j1) g(j)
   WHERE r.j1 > r.j0
), keyed AS (
  -- The final key (an agent's branch, else the ticket's) and period.
  SELECT x.*, d.label, CASE WHEN p_by = 'branch' THEN CASE WHEN ag.id IS NOT NULL THEN ag.branch ELSE x.k2 END ELSE x.k1 END AS k, d.period_end
    FROM (SELECT 'c' AS src, k1, k2, j, s_type, n, total, NULL::double precision AS v, NULL::text AS tid FROM cnt
          UNION ALL SELECT 'd', k1, k2, j, s_type, 1, NULL, s_value, NULL FROM dur
          UNION ALL SELECT 'h', k1, k2, j, 35, 1, NULL, NULL, tid FROM handled
          UNION ALL SELECT 'o', k1, k2, j, 36, 1, NULL, NULL, NULL FROM open_end) x
    JOIN days d ON d.j = x.j
    LEFT JOIN _sb_.agents ag ON p_by = 'branch' AND ag.id = x.k1
), cells AS (
  SELECT k, label AS period, s_type, sum(n)::int AS n, sum(total) AS total,
         NULL::double precision AS p50, NULL::double precision AS p90, NULL::double precision AS mx, NULL::int AS tickets
    FROM keyed WHERE src = 'c' GROUP BY 1, 2, 3
  UNION ALL
  SELECT k, label, s_type, count(*)::int, sum(v),
         percentile_disc(0.5) WITHIN GROUP (ORDER BY v), percentile_disc(0.9) WITHIN GROUP (ORDER BY v), max(v), NULL
    FROM keyed WHERE src = 'd' GROUP BY 1, 2, 3
  UNION ALL
  SELECT k, label, 35, count(DISTINCT tid)::int, count(DISTINCT tid), NULL, NULL, NULL, count(DISTINCT tid)::int
    FROM keyed WHERE src = 'h' GROUP BY 1, 2
  UNION ALL
  SELECT k, label, 36, count(*)::int, count(*), NULL, NULL, NULL, NULL FROM keyed WHERE src = 'o' AND period_end GROUP BY 1, 2
)
SELECT CASE WHEN p_by = 'all' THEN NULL ELSE c.k END, c.period, c.s_type, c.n, c.total, c.p50, c.p90, c.mx, c.tickets
  FROM cells c
 WHERE p_key_only IS NOT TRUE OR c.k IS NOT DISTINCT FROM p_key
$$;
