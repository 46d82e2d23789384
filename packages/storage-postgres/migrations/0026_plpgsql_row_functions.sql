-- upsert_customer and ticket_event (0010) become plpgsql, unchanged otherwise. A SQL-language
-- function that writes is never inlined, and its statement is planned again in every
-- transaction that calls it; plpgsql keeps the plan for the session. The inbound statement calls
-- both in each transaction, so this was planning work on every inbound batch and assignment
-- (measured with 2,000 one-call transactions: 0.11 ms vs 0.065 ms a call).
CREATE OR REPLACE FUNCTION _sb_.upsert_customer(p_id text, p_identity text, p_phone text, p_name text, p_at timestamptz)
RETURNS _sb_.customers LANGUAGE plpgsql AS $$
DECLARE
  v_row _sb_.customers;
BEGIN
  INSERT INTO _sb_.customers AS c (id, identity, phone, name, created_at, updated_at)
  VALUES (p_id, p_identity, p_phone, p_name, p_at, p_at)
  ON CONFLICT (identity) DO UPDATE SET
    name = coalesce(excluded.name, c.name),
    phone = coalesce(c.phone, excluded.phone),
    updated_at = CASE WHEN excluded.name IS NOT NULL AND excluded.name IS DISTINCT FROM c.name THEN excluded.updated_at ELSE c.updated_at END
  RETURNING c.* INTO v_row;
  RETURN v_row;
END $$;

CREATE OR REPLACE FUNCTION _sb_.ticket_event(
  p_id text, p_from _sb_.tickets, p_type text, p_to_status text, p_to_agent text, p_to_branch text,
  p_actor jsonb, p_reason text, p_at timestamptz
) RETURNS _sb_.ticket_events LANGUAGE plpgsql AS $$
DECLARE
  v_row _sb_.ticket_events;
BEGIN
  INSERT INTO _sb_.ticket_events (id, ticket_id, type, from_status, to_status, from_agent_id, to_agent_id, from_branch, to_branch, actor, reason, at)
  VALUES (p_id, p_from.id, p_type, p_from.status, p_to_status, p_from.assignee_id, p_to_agent, p_from.branch, p_to_branch, p_actor, p_reason, p_at)
  RETURNING * INTO v_row;
  RETURN v_row;
END $$;
