-- Assignments lock the agent row FOR NO KEY UPDATE instead of FOR UPDATE. Both serialize the
-- assignments to one agent (guarantee 3: they conflict with each other, and with status
-- changes), but FOR UPDATE also conflicts with the KEY SHARE locks that foreign-key checks take
-- on the agent a ticket references. A batched inbound statement (0023) that writes the same
-- customer's ticket twice re-checks that key and holds KEY SHARE on the assignee; an assignment
-- waiting for that agent while holding the next ticket the batch needs was a deadlock.
-- Nothing else changes.
CREATE OR REPLACE FUNCTION _sb_.assign_ticket(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_at timestamptz := (p->>'at')::timestamptz;
  v_agent_id text := p->>'agentId';
  v_expect jsonb := p->'expect';
  v_t _sb_.tickets;
  v_next _sb_.tickets;
  v_agent _sb_.agents;
  v_load integer;
  v_ev _sb_.ticket_events;
BEGIN
  SELECT * INTO v_t FROM _sb_.tickets WHERE id = p->>'ticketId' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'ticket_not_found', 'ticket', NULL);
  END IF;
  IF v_t.status = 'closed' THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'ticket_closed', 'ticket', to_jsonb(v_t));
  END IF;
  IF v_expect IS NOT NULL AND (
       (v_expect ? 'statuses' AND NOT (v_expect->'statuses') ? v_t.status)
    OR (v_expect ? 'assigneeId' AND (v_expect->>'assigneeId') IS DISTINCT FROM v_t.assignee_id)
  ) THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'conflict', 'ticket', to_jsonb(v_t));
  END IF;

  SELECT * INTO v_agent FROM _sb_.agents WHERE id = v_agent_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'agent_not_found', 'ticket', to_jsonb(v_t));
  END IF;
  SELECT count(*)::int INTO v_load FROM _sb_.tickets WHERE assignee_id = v_agent_id AND status <> 'closed';
  IF v_t.assignee_id IS NOT DISTINCT FROM v_agent_id THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'already_assigned', 'ticket', to_jsonb(v_t));
  END IF;
  IF (p->>'requireOnline')::boolean AND v_agent.status <> 'online' THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'agent_offline', 'ticket', to_jsonb(v_t));
  END IF;
  IF v_load >= v_agent.capacity THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'at_capacity', 'ticket', to_jsonb(v_t));
  END IF;

  UPDATE _sb_.agents SET last_assigned_at = v_at WHERE id = v_agent_id;
  -- As core's ticketAfterAssign: a queued ticket opens, others keep their status.
  UPDATE _sb_.tickets SET
    assignee_id = v_agent_id,
    last_assignee_id = v_agent_id,
    status = CASE WHEN status = 'queued' THEN 'open' ELSE status END,
    queued_at = NULL,
    last_activity_at = greatest(last_activity_at, v_at)
  WHERE id = v_t.id
  RETURNING * INTO v_next;
  v_ev := _sb_.ticket_event(p->>'eventId', v_t, p->>'kind', v_next.status, v_agent_id, v_next.branch, p->'actor', p->>'reason', v_at);
  RETURN jsonb_build_object('ok', true, 'ticket', to_jsonb(v_next), 'event', to_jsonb(v_ev), 'previousAssigneeId', v_t.assignee_id);
END;
$$;
