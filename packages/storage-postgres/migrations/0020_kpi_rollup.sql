-- KPI rollups in SQL (Store.computeKpiRollup): the same replay as core's pure calculators
-- (packages/core/src/kpis/kpi-replay.ts, docs/kpis.md), for wall-clock options (the store falls
-- back to core's calculators when a business-hours calendar is given). Times are epoch
-- milliseconds (bigint), like core's numbers. `kpi_samples` replays every ticket active in the
-- range in one ordered pass and returns its samples with core's type codes (kpi-samples.ts);
-- `kpi_agent_samples` adds agent time; the caller groups both by dimension and period.

CREATE TYPE _sb_.kpi_sample AS (s_type int, s_at bigint, s_value double precision, s_agent text, s_branch text, s_channel text, s_ticket text);

-- Local midnights strictly inside (p_from, p_to), then p_to: the ends of the range's local days.
CREATE FUNCTION _sb_.kpi_day_ends(p_from bigint, p_to bigint, p_tz text) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(ms ORDER BY ms), '{}') || p_to FROM (
    SELECT (extract(epoch FROM (d::timestamp AT TIME ZONE p_tz)) * 1000)::bigint AS ms
      FROM generate_series((to_timestamp(p_from / 1000.0) AT TIME ZONE p_tz)::date + 1,
                           (to_timestamp((p_to - 1) / 1000.0) AT TIME ZONE p_tz)::date + 1, interval '1 day') d
  ) x WHERE ms > p_from AND ms < p_to
$$;

-- The branch a sample counts for: the credited agent's (when the agent exists), else the ticket's.
CREATE FUNCTION _sb_.kpi_branch(p_agents jsonb, p_agent text, p_ticket_branch text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_agent IS NOT NULL AND p_agents ? p_agent THEN p_agents -> p_agent ->> 'b' ELSE p_ticket_branch END
$$;

-- Who held the ticket at an instant: the last timeline entry at or before it.
CREATE FUNCTION _sb_.kpi_holder(tl_at bigint[], tl_agent text[], tl_branch text[], p_agents jsonb, p_at bigint, OUT agent text, OUT branch text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE lo int := 1; hi int := coalesce(array_length(tl_at, 1), 0); mid int; found int := 0;
BEGIN
  WHILE lo <= hi LOOP
    mid := (lo + hi) / 2;
    IF tl_at[mid] <= p_at THEN found := mid; lo := mid + 1; ELSE hi := mid - 1; END IF;
  END LOOP;
  IF found = 0 THEN agent := NULL; branch := NULL; RETURN; END IF;
  agent := tl_agent[found];
  branch := _sb_.kpi_branch(p_agents, agent, tl_branch[found]);
END
$$;

-- One SLA obligation [start, end): met (counted at end, for the credited agent) or breached
-- (counted at the due time, for its holder). p_outcome: 'met' (a reply/close came at end), 'closed', or NULL (still going).
CREATE FUNCTION _sb_.kpi_sla(p_met int, p_breached int, p_target double precision, p_start bigint, p_end bigint, p_outcome text,
  p_credit text, p_ticket_branch text, p_channel text, tl_at bigint[], tl_agent text[], tl_branch text[], p_agents jsonb, p_from bigint, p_to bigint)
RETURNS SETOF _sb_.kpi_sample LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE v_due bigint; h record;
BEGIN
  IF (p_end - p_start) <= p_target THEN
    IF p_outcome = 'met' AND p_end >= p_from AND p_end < p_to THEN
      RETURN NEXT ROW(p_met, p_end, 1, p_credit, _sb_.kpi_branch(p_agents, p_credit, p_ticket_branch), p_channel, NULL)::_sb_.kpi_sample;
    END IF;
    RETURN;
  END IF;
  v_due := p_start + p_target::bigint;
  IF v_due < p_from OR v_due >= p_to THEN RETURN; END IF;
  h := _sb_.kpi_holder(tl_at, tl_agent, tl_branch, p_agents, v_due);
  RETURN NEXT ROW(p_breached, v_due, 1, h.agent, h.branch, p_channel, NULL)::_sb_.kpi_sample;
END
$$;

-- A wait [start, end) ended by a human reply (p_replier set), a close, or still going (p_end NULL):
-- first-response / reply durations, a delay event, the response SLA.
CREATE FUNCTION _sb_.kpi_wait(p_first boolean, p_start bigint, p_end bigint, p_rtype text, p_rid text, p_ticket_branch text, p_channel text,
  tl_at bigint[], tl_agent text[], tl_branch text[], p_agents jsonb, p_from bigint, p_to bigint,
  p_delay double precision, p_sla_first double precision, p_sla_next double precision)
RETURNS SETOF _sb_.kpi_sample LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE v_until bigint := coalesce(p_end, p_to); v_agent text; v_th bigint; h record; v_target double precision;
BEGIN
  v_agent := CASE WHEN p_rtype = 'agent' THEN p_rid END;
  IF p_rtype IS NOT NULL AND p_end >= p_from AND p_end < p_to THEN
    RETURN NEXT ROW(CASE WHEN p_first THEN 31 ELSE 32 END, p_end, (p_end - p_start)::double precision, v_agent,
                    _sb_.kpi_branch(p_agents, v_agent, p_ticket_branch), p_channel, NULL)::_sb_.kpi_sample;
  END IF;
  IF (v_until - p_start) > p_delay THEN
    v_th := p_start + p_delay::bigint;
    IF v_th >= p_from AND v_th < p_to THEN
      h := _sb_.kpi_holder(tl_at, tl_agent, tl_branch, p_agents, v_th);
      RETURN NEXT ROW(34, v_th, (v_until - p_start)::double precision, h.agent, h.branch, p_channel, NULL)::_sb_.kpi_sample;
    END IF;
  END IF;
  v_target := CASE WHEN p_first THEN p_sla_first ELSE p_sla_next END;
  IF v_target IS NOT NULL AND v_target > 0 THEN
    RETURN QUERY SELECT * FROM _sb_.kpi_sla(CASE WHEN p_first THEN 13 ELSE 15 END, CASE WHEN p_first THEN 14 ELSE 16 END, v_target, p_start, v_until,
      CASE WHEN p_end IS NULL THEN NULL WHEN p_rtype IS NOT NULL THEN 'met' ELSE 'closed' END,
      v_agent, p_ticket_branch, p_channel, tl_at, tl_agent, tl_branch, p_agents, p_from, p_to);
  END IF;
END
$$;

CREATE FUNCTION _sb_.kpi_samples(
  p_from bigint, p_to bigint, p_tz text, p_delay double precision,
  p_sla_first double precision, p_sla_next double precision, p_sla_res double precision
) RETURNS SETOF _sb_.kpi_sample
LANGUAGE plpgsql AS $$
DECLARE
  v_from timestamptz := to_timestamp(p_from / 1000.0);
  v_to timestamptz := to_timestamp(p_to / 1000.0);
  v_ends bigint[] := _sb_.kpi_day_ends(p_from, p_to, p_tz);
  v_agents jsonb;
  r record;
  t_id text := NULL;
  t_channel text;
  t_done boolean := false;
  st_status text; st_assignee text; st_branch text;
  st_cycle bigint; st_responded boolean; st_wait bigint; st_susp bigint; st_handed boolean; st_interval bigint;
  tl_at bigint[]; tl_agent text[]; tl_branch text[];
  v_in boolean; v_open boolean; v_agent text; v_start bigint; v_prev_assignee text; v_prev_branch text; v_was_open boolean;
  v_e bigint; v_b text; v_type int; v_last boolean := false;
BEGIN
  SELECT coalesce(jsonb_object_agg(id, jsonb_build_object('b', branch)), '{}') INTO v_agents FROM _sb_.agents;
  CREATE TEMP TABLE IF NOT EXISTS kpi_load (agent text, s bigint, e bigint) ON COMMIT DROP;
  TRUNCATE kpi_load;

  FOR r IN
    WITH tk AS (
      SELECT t.id, t.channel_id FROM _sb_.tickets t
       WHERE t.opened_at < v_to
         AND (t.status <> 'closed' OR t.closed_at >= v_from
           OR t.id IN (SELECT ticket_id FROM _sb_.messages WHERE created_at >= v_from AND created_at < v_to AND ticket_id IS NOT NULL)
           OR t.id IN (SELECT ticket_id FROM _sb_.ticket_events WHERE at >= v_from AND at < v_to)
           OR t.id IN (SELECT ticket_id FROM _sb_.csat_requests WHERE requested_at >= v_from AND requested_at < v_to)
           OR t.id IN (SELECT ticket_id FROM _sb_.csat_answers WHERE at >= v_from AND at < v_to))
    ), ev AS (
      SELECT e.*, (extract(epoch FROM e.at) * 1000)::bigint AS ms FROM _sb_.ticket_events e JOIN tk ON tk.id = e.ticket_id WHERE e.at < v_to
    ), fc AS (
      SELECT ticket_id, ms, min(seq) AS seq FROM ev WHERE type = 'closed' GROUP BY ticket_id, ms
    ), msg AS (
      SELECT m.id, m.ticket_id, m.channel_id, m.direction, m.status, m.author ->> 'type' AS atype, m.author ->> 'id' AS aid,
             (extract(epoch FROM m.created_at) * 1000)::bigint AS ms
        FROM _sb_.messages m JOIN tk ON tk.id = m.ticket_id WHERE m.created_at < v_to
    ), fi AS (
      SELECT ticket_id, ms, min(id) AS id FROM msg WHERE direction = 'inbound' GROUP BY ticket_id, ms
    ), stream AS (
      -- One ticket's log in replay order. In one millisecond: events first, except that the
      -- outbound messages leading that millisecond go just before its first `closed` event (a
      -- reply before the close it preceded); then the other messages; CSAT requests last.
      SELECT ev.ticket_id, ev.ms, CASE WHEN fc.seq IS NULL OR ev.seq < fc.seq THEN 0 ELSE 2 END AS rnk, ev.seq AS sub_n, NULL::text AS sub_t,
             'e' AS kind, ev.type, ev.to_status, ev.from_agent_id, ev.to_agent_id, ev.from_branch, ev.to_branch,
             NULL::text AS direction, NULL::text AS mstatus, NULL::text AS atype, NULL::text AS aid, NULL::text AS mchannel,
             NULL::text AS ragent, NULL::text AS rchannel, NULL::boolean AS rfailed, NULL::int AS rating, NULL::bigint AS answered
        FROM ev LEFT JOIN fc ON fc.ticket_id = ev.ticket_id AND fc.ms = ev.ms
      UNION ALL
      SELECT msg.ticket_id, msg.ms, CASE WHEN msg.direction = 'outbound' AND fc.seq IS NOT NULL AND (fi.id IS NULL OR msg.id < fi.id) THEN 1 ELSE 3 END,
             NULL, msg.id, 'm', NULL, NULL, NULL, NULL, NULL, NULL, msg.direction, msg.status, msg.atype, msg.aid, msg.channel_id,
             NULL, NULL, NULL, NULL, NULL
        FROM msg LEFT JOIN fc ON fc.ticket_id = msg.ticket_id AND fc.ms = msg.ms
                 LEFT JOIN fi ON fi.ticket_id = msg.ticket_id AND fi.ms = msg.ms
      UNION ALL
      SELECT q.ticket_id, (extract(epoch FROM q.requested_at) * 1000)::bigint, 4, NULL, q.id, 'r', NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, q.agent_id, q.channel_id,
             EXISTS (SELECT 1 FROM _sb_.messages fm WHERE fm.id = q.message_id AND fm.status = 'failed'),
             a.rating, (extract(epoch FROM a.at) * 1000)::bigint
        FROM _sb_.csat_requests q JOIN tk ON tk.id = q.ticket_id LEFT JOIN _sb_.csat_answers a ON a.request_id = q.id
       WHERE q.requested_at < v_to
    )
    SELECT tk.id AS ticket, tk.channel_id AS channel, s.*
      FROM tk LEFT JOIN stream s ON s.ticket_id = tk.id
    UNION ALL
    SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    ORDER BY 1 NULLS LAST, 4, 5, 6, 7
  LOOP
    IF t_id IS DISTINCT FROM r.ticket THEN
      IF t_id IS NOT NULL THEN
        -- The end of the range for the previous ticket: a wait or a cycle still going.
        IF st_status IS NOT NULL AND st_status <> 'closed' THEN
          IF st_wait IS NOT NULL THEN
            RETURN QUERY SELECT * FROM _sb_.kpi_wait(NOT st_responded, st_wait, NULL, NULL, NULL, st_branch, t_channel,
              tl_at, tl_agent, tl_branch, v_agents, p_from, p_to, p_delay, p_sla_first, p_sla_next);
          END IF;
          IF p_sla_res IS NOT NULL AND p_sla_res > 0 AND st_cycle IS NOT NULL THEN
            RETURN QUERY SELECT * FROM _sb_.kpi_sla(17, 18, p_sla_res, st_cycle, p_to, NULL, NULL, st_branch, t_channel,
              tl_at, tl_agent, tl_branch, v_agents, p_from, p_to);
          END IF;
        END IF;
        -- closeInterval(Infinity)
        IF st_interval IS NOT NULL AND st_interval < p_to THEN
          v_b := (CASE WHEN st_assignee IS NOT NULL AND v_agents ? st_assignee THEN v_agents -> st_assignee ->> 'b' ELSE st_branch END);
          FOREACH v_e IN ARRAY v_ends LOOP
            IF v_e > st_interval THEN RETURN NEXT ROW(36, v_e - 1, 1, st_assignee, v_b, t_channel, NULL)::_sb_.kpi_sample; END IF;
          END LOOP;
          IF st_assignee IS NOT NULL THEN INSERT INTO kpi_load VALUES (st_assignee, greatest(st_interval, p_from), p_to); END IF;
        END IF;
      END IF;
      t_id := r.ticket; t_channel := r.channel; t_done := false;
      st_status := NULL; st_assignee := NULL; st_branch := NULL; st_cycle := NULL; st_responded := false;
      st_wait := NULL; st_susp := NULL; st_handed := false; st_interval := NULL;
      tl_at := '{}'; tl_agent := '{}'; tl_branch := '{}';
    END IF;
    EXIT WHEN r.ticket IS NULL;
    CONTINUE WHEN r.kind IS NULL OR t_done;
    IF r.ms >= p_to THEN t_done := true; CONTINUE; END IF;
    v_in := r.ms >= p_from AND r.ms < p_to;

    IF r.kind = 'e' THEN
      IF r.type IN ('opened', 'reopened') THEN
        IF v_in THEN RETURN NEXT ROW(CASE WHEN r.type = 'opened' THEN 7 ELSE 8 END, r.ms, 1, r.to_agent_id, (CASE WHEN r.to_agent_id IS NOT NULL AND v_agents ? r.to_agent_id THEN v_agents -> r.to_agent_id ->> 'b' ELSE r.to_branch END), t_channel, NULL)::_sb_.kpi_sample; END IF;
        st_cycle := r.ms; st_responded := false; st_wait := NULL; st_susp := NULL; st_handed := false;
      ELSIF r.type = 'handoff' THEN
        IF v_in THEN RETURN NEXT ROW(30, r.ms, 1, NULL, r.to_branch, t_channel, NULL)::_sb_.kpi_sample; END IF;
        IF st_status IS DISTINCT FROM 'closed' AND st_wait IS NULL THEN st_wait := r.ms; END IF;
        st_susp := NULL; st_handed := true;
      ELSIF r.type = 'assigned' THEN
        IF v_in THEN RETURN NEXT ROW(9, r.ms, 1, r.to_agent_id, (CASE WHEN r.to_agent_id IS NOT NULL AND v_agents ? r.to_agent_id THEN v_agents -> r.to_agent_id ->> 'b' ELSE r.to_branch END), t_channel, NULL)::_sb_.kpi_sample; END IF;
      ELSIF r.type = 'transferred' THEN
        IF v_in THEN
          RETURN NEXT ROW(11, r.ms, 1, r.from_agent_id, (CASE WHEN r.from_agent_id IS NOT NULL AND v_agents ? r.from_agent_id THEN v_agents -> r.from_agent_id ->> 'b' ELSE r.from_branch END), t_channel, NULL)::_sb_.kpi_sample;
          RETURN NEXT ROW(10, r.ms, 1, r.to_agent_id, (CASE WHEN r.to_agent_id IS NOT NULL AND v_agents ? r.to_agent_id THEN v_agents -> r.to_agent_id ->> 'b' ELSE r.to_branch END), t_channel, NULL)::_sb_.kpi_sample;
        END IF;
      ELSIF r.type = 'closed' AND st_status IS DISTINCT FROM 'closed' THEN
        IF st_wait IS NOT NULL THEN
          RETURN QUERY SELECT * FROM _sb_.kpi_wait(NOT st_responded, st_wait, r.ms, NULL, NULL, st_branch, t_channel,
            tl_at, tl_agent, tl_branch, v_agents, p_from, p_to, p_delay, p_sla_first, p_sla_next);
        END IF;
        st_wait := NULL; st_susp := NULL; st_handed := false;
        IF v_in THEN RETURN NEXT ROW(12, r.ms, 1, r.from_agent_id, (CASE WHEN r.from_agent_id IS NOT NULL AND v_agents ? r.from_agent_id THEN v_agents -> r.from_agent_id ->> 'b' ELSE r.from_branch END), t_channel, NULL)::_sb_.kpi_sample; END IF;
        IF st_cycle IS NOT NULL THEN
          IF v_in THEN RETURN NEXT ROW(33, r.ms, (r.ms - st_cycle)::double precision, r.from_agent_id, (CASE WHEN r.from_agent_id IS NOT NULL AND v_agents ? r.from_agent_id THEN v_agents -> r.from_agent_id ->> 'b' ELSE r.from_branch END), t_channel, NULL)::_sb_.kpi_sample; END IF;
          IF p_sla_res IS NOT NULL AND p_sla_res > 0 THEN
            RETURN QUERY SELECT * FROM _sb_.kpi_sla(17, 18, p_sla_res, st_cycle, r.ms, 'met', r.from_agent_id, r.from_branch, t_channel,
              tl_at, tl_agent, tl_branch, v_agents, p_from, p_to);
          END IF;
        END IF;
        st_cycle := NULL;
      END IF;
      v_was_open := st_status IS NOT NULL AND st_status <> 'closed';
      v_prev_assignee := st_assignee; v_prev_branch := st_branch;
      st_status := r.to_status;
      st_assignee := CASE WHEN r.to_status = 'closed' THEN st_assignee ELSE r.to_agent_id END;
      st_branch := r.to_branch;
      v_open := st_status <> 'closed';
      IF v_was_open AND (NOT v_open OR v_prev_assignee IS DISTINCT FROM st_assignee OR v_prev_branch IS DISTINCT FROM st_branch) THEN
        -- closeInterval(at, previous holder)
        IF st_interval IS NOT NULL AND st_interval < p_to AND r.ms > p_from THEN
          v_b := (CASE WHEN v_prev_assignee IS NOT NULL AND v_agents ? v_prev_assignee THEN v_agents -> v_prev_assignee ->> 'b' ELSE v_prev_branch END);
          FOREACH v_e IN ARRAY v_ends LOOP
            IF v_e > st_interval AND v_e <= r.ms THEN RETURN NEXT ROW(36, v_e - 1, 1, v_prev_assignee, v_b, t_channel, NULL)::_sb_.kpi_sample; END IF;
          END LOOP;
          IF v_prev_assignee IS NOT NULL THEN INSERT INTO kpi_load VALUES (v_prev_assignee, greatest(st_interval, p_from), least(r.ms, p_to)); END IF;
        END IF;
        st_interval := NULL;
      END IF;
      IF v_open AND st_interval IS NULL THEN st_interval := r.ms; END IF;
      tl_at := tl_at || r.ms; tl_agent := tl_agent || st_assignee; tl_branch := tl_branch || st_branch;

    ELSIF r.kind = 'r' THEN
      IF r.ms >= p_from AND NOT r.rfailed THEN
        v_b := (CASE WHEN r.ragent IS NOT NULL AND v_agents ? r.ragent THEN v_agents -> r.ragent ->> 'b' ELSE st_branch END);
        RETURN NEXT ROW(19, r.ms, 1, r.ragent, v_b, r.rchannel, NULL)::_sb_.kpi_sample;
        IF r.answered IS NOT NULL AND r.answered < p_to THEN
          RETURN NEXT ROW(20, r.ms, 1, r.ragent, v_b, r.rchannel, NULL)::_sb_.kpi_sample;
          RETURN NEXT ROW(21, r.ms, r.rating, r.ragent, v_b, r.rchannel, NULL)::_sb_.kpi_sample;
          RETURN NEXT ROW(22 + r.rating - 1, r.ms, 1, r.ragent, v_b, r.rchannel, NULL)::_sb_.kpi_sample;
        END IF;
      END IF;

    ELSE
      v_open := st_status IS NOT NULL AND st_status <> 'closed';
      IF r.direction = 'inbound' THEN
        IF v_in THEN RETURN NEXT ROW(0, r.ms, 1, st_assignee, (CASE WHEN st_assignee IS NOT NULL AND v_agents ? st_assignee THEN v_agents -> st_assignee ->> 'b' ELSE st_branch END), r.mchannel, NULL)::_sb_.kpi_sample; END IF;
        IF v_open AND st_wait IS NULL THEN st_wait := r.ms; st_susp := NULL; END IF;
        CONTINUE;
      END IF;
      CONTINUE WHEN r.mstatus = 'failed';
      v_agent := CASE WHEN r.atype = 'agent' THEN r.aid END;
      IF v_in THEN
        v_type := CASE r.atype WHEN 'agent' THEN 2 WHEN 'phone' THEN 3 WHEN 'user' THEN 4 WHEN 'bot' THEN 5 WHEN 'system' THEN 6 ELSE 1 END;
        RETURN NEXT ROW(v_type, r.ms, 1, v_agent, (CASE WHEN v_agent IS NOT NULL AND v_agents ? v_agent THEN v_agents -> v_agent ->> 'b' ELSE st_branch END), r.mchannel, NULL)::_sb_.kpi_sample;
      END IF;
      CONTINUE WHEN NOT v_open;
      IF r.atype IN ('agent', 'phone', 'user') THEN
        IF r.ms >= p_from THEN RETURN NEXT ROW(35, r.ms, 1, v_agent, (CASE WHEN v_agent IS NOT NULL AND v_agents ? v_agent THEN v_agents -> v_agent ->> 'b' ELSE st_branch END), t_channel, t_id)::_sb_.kpi_sample; END IF;
        v_start := coalesce(st_wait, st_susp);
        IF v_start IS NOT NULL THEN
          IF (r.ms - v_start) > p_delay OR coalesce(CASE WHEN st_responded THEN p_sla_next ELSE p_sla_first END, 0) > 0 THEN
            RETURN QUERY SELECT * FROM _sb_.kpi_wait(NOT st_responded, v_start, r.ms, r.atype, r.aid, st_branch, t_channel,
              tl_at, tl_agent, tl_branch, v_agents, p_from, p_to, p_delay, p_sla_first, p_sla_next);
          ELSIF v_in THEN
            -- The common case inline: a reply in time, no delay, no SLA target.
            RETURN NEXT ROW(CASE WHEN st_responded THEN 32 ELSE 31 END, r.ms, (r.ms - v_start)::double precision, v_agent,
                            (CASE WHEN v_agent IS NOT NULL AND v_agents ? v_agent THEN v_agents -> v_agent ->> 'b' ELSE st_branch END), t_channel, NULL)::_sb_.kpi_sample;
          END IF;
          st_responded := true;
        END IF;
        st_wait := NULL; st_susp := NULL;
      ELSIF r.atype = 'bot' AND NOT st_handed THEN
        IF st_wait IS NOT NULL OR st_susp IS NOT NULL THEN st_susp := r.ms; st_wait := NULL; END IF;
      END IF;
    END IF;
  END LOOP;

  -- Ticket-less messages in the range.
  RETURN QUERY
    SELECT CASE WHEN m.direction = 'inbound' THEN 0 ELSE CASE m.author ->> 'type' WHEN 'agent' THEN 2 WHEN 'phone' THEN 3 WHEN 'user' THEN 4 WHEN 'bot' THEN 5 WHEN 'system' THEN 6 ELSE 1 END END,
           (extract(epoch FROM m.created_at) * 1000)::bigint, 1::double precision,
           CASE WHEN m.direction = 'outbound' AND m.author ->> 'type' = 'agent' THEN m.author ->> 'id' END,
           (CASE WHEN CASE WHEN m.direction = 'outbound' AND m.author ->> 'type' = 'agent' THEN m.author ->> 'id' END IS NOT NULL AND v_agents ? CASE WHEN m.direction = 'outbound' AND m.author ->> 'type' = 'agent' THEN m.author ->> 'id' END THEN v_agents -> CASE WHEN m.direction = 'outbound' AND m.author ->> 'type' = 'agent' THEN m.author ->> 'id' END ->> 'b' ELSE NULL END),
           m.channel_id, NULL::text
      FROM _sb_.messages m
     WHERE m.ticket_id IS NULL AND m.created_at >= v_from AND m.created_at < v_to AND NOT (m.direction = 'outbound' AND m.status = 'failed');

  -- Agent time: online intervals from the status log (the last change before the range and the
  -- changes in it), capacity × online, and load (held non-closed tickets) while online; each
  -- cut at local midnights.
  RETURN QUERY
    WITH days AS (
      SELECT coalesce(lag(e) OVER (ORDER BY e), p_from) AS d0, e AS d1 FROM unnest(v_ends) e
    ), log AS (
      SELECT l.agent_id, l.status, l.previous, (extract(epoch FROM l.at) * 1000)::bigint AS ms, l.seq,
             row_number() OVER (PARTITION BY l.agent_id ORDER BY l.at, l.seq) AS n
        FROM _sb_.agent_status_log l
       WHERE l.at < v_to AND (l.at >= v_from OR l.seq = (SELECT max(b.seq) FROM _sb_.agent_status_log b WHERE b.agent_id = l.agent_id AND b.at < v_from))
    ), agent0 AS (
      SELECT a.id, a.branch, a.capacity,
             greatest(p_from, (extract(epoch FROM a.created_at) * 1000)::bigint) AS since0,
             coalesce((SELECT coalesce(l.previous, 'offline') FROM log l WHERE l.agent_id = a.id AND l.n = 1), a.status) AS status0
        FROM _sb_.agents a
    ), steps AS (
      -- status in force from each change on; the start state from `since0`
      SELECT a.id, a.since0 AS ms, a.status0 AS status, 0::bigint AS n FROM agent0 a
      UNION ALL
      SELECT l.agent_id, l.ms, l.status, l.n FROM log l
    ), spans AS (
      SELECT id, greatest(ms, (SELECT since0 FROM agent0 WHERE agent0.id = steps.id)) AS s,
             coalesce(lead(ms) OVER (PARTITION BY id ORDER BY n), p_to) AS e, status
        FROM steps
    ), online AS (
      SELECT s.id, s.s, least(s.e, p_to) AS e FROM spans s WHERE s.status = 'online' AND least(s.e, p_to) > s.s
    ), pieces AS (
      SELECT o.id, greatest(o.s, d.d0) AS s, least(o.e, d.d1) AS e FROM online o JOIN days d ON d.d0 < o.e AND d.d1 > o.s
    ), loadp AS (
      SELECT k.agent AS id, greatest(k.s, o.s, d.d0) AS s, least(k.e, o.e, d.d1) AS e
        FROM kpi_load k JOIN online o ON o.id = k.agent AND o.s < k.e AND o.e > k.s
        JOIN days d ON d.d0 < least(k.e, o.e) AND d.d1 > greatest(k.s, o.s)
    )
    SELECT 27, p.s, (p.e - p.s)::double precision, p.id, a.branch, NULL::text, NULL::text FROM pieces p JOIN agent0 a ON a.id = p.id WHERE p.e > p.s
    UNION ALL
    SELECT 29, p.s, ((p.e - p.s) * a.capacity)::double precision, p.id, a.branch, NULL, NULL FROM pieces p JOIN agent0 a ON a.id = p.id WHERE p.e > p.s
    UNION ALL
    SELECT 28, p.s, (p.e - p.s)::double precision, p.id, a.branch, NULL, NULL FROM loadp p JOIN agent0 a ON a.id = p.id WHERE p.e > p.s;
END
$$;
