-- Routing inside the inbound statement no longer waits for anything, so it needs no lock of its
-- own: the routing advisory lock of 0025 is gone, and an agent row another transaction has
-- locked (an assignment or a status change to that agent in flight) is skipped, not waited for.
--
-- Why. Two statements in flight both routing a new ticket used to run one after the other: the
-- second waited for the first's commit on the routing lock and then, with least-loaded ranking,
-- usually on the same agent's row. Skipping that agent is also what least-loaded asks for: the
-- transaction holding it is about to give it one more ticket, which this statement cannot see.
--
-- Deadlocks. A routing phase now only ever locks agents with SKIP LOCKED (assign_ticket's own
-- FOR NO KEY UPDATE then finds the lock already held, and the ticket it locks is one this
-- statement wrote before routing), so it never waits while holding a lock and cannot close a
-- cycle with anything.
--
-- Guarantee 3 is assign_ticket's, unchanged: it counts the agent's load after locking the agent.
--
-- When routing cannot finish without waiting, it leaves the ticket to core (the reply's routing
-- is null, so core routes as usual, waiting for the lock like any assignment):
--  * the ticket is reopened and its last assignee, who ranks first, is locked (a reopened
--    ticket goes back to that agent when they can take it);
--  * every candidate that could take it was skipped. Answering "nobody can take it" then could
--    leave it queued while an agent has room, with nothing to drain the queue.

-- The routing of a ticket a message left queued: {"assignment": {ticket, event}}, or
-- {"assignment": null} when no candidate can take it, or NULL to leave it to core's router.
-- Candidates and their order as core's router would list them (storeRankingOrder).
CREATE FUNCTION _sb_.route_inbound_ticket(p_ticket_id text, p_route jsonb, p_event_id text, p_at text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_t _sb_.tickets;
  v_least boolean := p_route->>'ranking' = 'least-loaded';
  v_candidate record;
  v_skipped boolean := false;
  v_r jsonb;
BEGIN
  SELECT * INTO v_t FROM _sb_.tickets WHERE id = p_ticket_id;
  IF NOT FOUND OR v_t.status <> 'queued' OR v_t.assignee_id IS NOT NULL THEN
    RETURN '{"assignment": null}';
  END IF;
  FOR v_candidate IN
    SELECT a.id, (v_t.reopen_count > 0 AND a.id = v_t.last_assignee_id) AS returning_to FROM _sb_.agents a
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
    PERFORM 1 FROM _sb_.agents WHERE id = v_candidate.id FOR NO KEY UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
      IF v_candidate.returning_to THEN
        RETURN NULL;
      END IF;
      v_skipped := true;
      CONTINUE;
    END IF;
    v_r := _sb_.assign_ticket(jsonb_build_object(
      'ticketId', p_ticket_id, 'agentId', v_candidate.id, 'kind', 'assigned', 'requireOnline', true,
      'expect', jsonb_build_object('statuses', jsonb_build_array('queued'), 'assigneeId', NULL),
      'actor', p_route->'actor', 'reason', p_route->>'reason', 'at', p_at, 'eventId', p_event_id));
    IF (v_r->>'ok')::boolean THEN
      RETURN jsonb_build_object('assignment', jsonb_build_object('ticket', v_r->'ticket', 'event', v_r->'event'));
    END IF;
    -- The agent went offline or full meanwhile: the next one. Anything else: the ticket moved on.
    IF v_r->>'reason' NOT IN ('at_capacity', 'agent_offline', 'agent_not_found') THEN
      RETURN '{"assignment": null}';
    END IF;
  END LOOP;
  IF v_skipped THEN
    RETURN NULL;
  END IF;
  RETURN '{"assignment": null}';
END $$;

CREATE OR REPLACE FUNCTION _sb_.with_routing(r _sb_.inbound_reply, p jsonb, p_route_it boolean) RETURNS _sb_.inbound_reply LANGUAGE plpgsql AS $$
BEGIN
  IF jsonb_typeof(p->'route') IS DISTINCT FROM 'object' OR r.duplicate THEN
    RETURN r;
  END IF;
  IF NOT p_route_it OR (r.ticket).status <> 'queued' THEN
    r.routing := '{"assignment": null}';
    RETURN r;
  END IF;
  r.routing := _sb_.route_inbound_ticket((r.ticket).id, p->'route', p->>'routeEventId', p->>'at');
  RETURN r;
END $$;

DROP FUNCTION _sb_.route_queued_ticket(text, jsonb, text, text);
