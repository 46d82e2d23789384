-- Routing inside the inbound statement (IngestInboundInput.route): a ticket left queued by a
-- message is assigned in the same transaction, saving the router's candidate query and
-- assignment round trips per new ticket. The assignment itself is _sb_.assign_ticket, so its
-- checks (guarantee 3) are the ones every other assignment makes.
--
-- Lock order. A batch first does every message's work (customers, tickets, messages, in
-- identity order), and only then routes, under one transaction-scoped advisory lock per schema:
--  * routing never waits for a customer or ticket while holding an agent, so it cannot close a
--    cycle with another batch still ingesting;
--  * two routing phases cannot lock two agents in opposite orders (the advisory lock serializes
--    them, and they are short: the batch commits right after);
--  * the router's own assign_ticket locks one ticket, then one agent, and waits for nothing
--    after that.

ALTER FUNCTION _sb_.ingest_inbound(jsonb) RENAME TO ingest_inbound_unrouted;

-- The candidates core's router would list for the ticket, in the order of the ranking
-- (core's storeRankingOrder): a reopened ticket's last assignee first, then fewest non-closed
-- tickets (least-loaded only), then never assigned, then the oldest assignment, then id.
-- Tries them with assign_ticket until one takes the ticket; null when none does.
CREATE FUNCTION _sb_.route_queued_ticket(p_ticket_id text, p_route jsonb, p_event_id text, p_at text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_t _sb_.tickets;
  v_least boolean := p_route->>'ranking' = 'least-loaded';
  v_agent text;
  v_r jsonb;
BEGIN
  SELECT * INTO v_t FROM _sb_.tickets WHERE id = p_ticket_id;
  IF NOT FOUND OR v_t.status <> 'queued' OR v_t.assignee_id IS NOT NULL THEN
    RETURN NULL;
  END IF;
  FOR v_agent IN
    SELECT a.id FROM _sb_.agents a
    CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM _sb_.tickets t WHERE t.assignee_id = a.id AND t.status <> 'closed') load
    WHERE a.status = 'online'
      AND (v_t.branch IS NULL OR a.branch = v_t.branch)
      AND a.skills @> v_t.skills
      AND load.n < a.capacity
    ORDER BY (v_t.reopen_count > 0 AND a.id = v_t.last_assignee_id) DESC,
             CASE WHEN v_least THEN load.n END,
             a.last_assigned_at NULLS FIRST,
             a.id COLLATE "C"
  LOOP
    v_r := _sb_.assign_ticket(jsonb_build_object(
      'ticketId', p_ticket_id, 'agentId', v_agent, 'kind', 'assigned', 'requireOnline', true,
      'expect', jsonb_build_object('statuses', jsonb_build_array('queued'), 'assigneeId', NULL),
      'actor', p_route->'actor', 'reason', p_route->>'reason', 'at', p_at, 'eventId', p_event_id));
    IF (v_r->>'ok')::boolean THEN
      RETURN jsonb_build_object('ticket', v_r->'ticket', 'event', v_r->'event');
    END IF;
    -- The agent went offline or full meanwhile: the next one. Anything else: the ticket moved on.
    IF v_r->>'reason' NOT IN ('at_capacity', 'agent_offline', 'agent_not_found') THEN
      RETURN NULL;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;

-- A message's result with the routing of its ticket when it asked for it and left the ticket
-- queued (`p_route_it` false: another message of the same batch already routed that ticket).
-- Takes the routing lock first.
CREATE FUNCTION _sb_.with_routing(p_result jsonb, p jsonb, p_route_it boolean) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  IF jsonb_typeof(p->'route') IS DISTINCT FROM 'object' OR (p_result->>'duplicate')::boolean THEN
    RETURN p_result;
  END IF;
  IF NOT p_route_it OR p_result->'ticket'->>'status' <> 'queued' THEN
    RETURN p_result || '{"routing": {"assignment": null}}'::jsonb;
  END IF;
  -- '_sb_.' becomes the schema name: one routing lock per schema (taken again in the same transaction: a no-op).
  PERFORM pg_advisory_xact_lock(hashtextextended('sb-route:_sb_.', 0));
  RETURN p_result || jsonb_build_object('routing', jsonb_build_object('assignment',
    _sb_.route_queued_ticket(p_result->'ticket'->>'id', p->'route', p->>'routeEventId', p->>'at')));
END $$;

-- Every message's work first, then the routing of the tickets they left queued (each ticket
-- once, reported with the first of its messages). One result row per message, in order.
CREATE OR REPLACE FUNCTION _sb_.ingest_inbound_batch(p jsonb[]) RETURNS SETOF jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_n integer := coalesce(array_length(p, 1), 0);
  v_results jsonb[] := '{}';
  v_routed text[] := '{}';
  v_ticket text;
BEGIN
  FOR i IN 1..v_n LOOP
    v_results := array_append(v_results, _sb_.ingest_inbound_unrouted(p[i]));
  END LOOP;
  FOR i IN 1..v_n LOOP
    v_ticket := v_results[i]->'ticket'->>'id';
    RETURN NEXT _sb_.with_routing(v_results[i], p[i], v_ticket IS NULL OR NOT v_ticket = ANY (v_routed));
    IF v_ticket IS NOT NULL THEN
      v_routed := array_append(v_routed, v_ticket);
    END IF;
  END LOOP;
END $$;

-- One message.
CREATE FUNCTION _sb_.ingest_inbound(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
  RETURN _sb_.with_routing(_sb_.ingest_inbound_unrouted(p), p, true);
END $$;
