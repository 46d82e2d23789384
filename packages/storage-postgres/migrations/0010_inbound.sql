-- The inbound hot path in one round trip: dedupe, customer upsert, ticket find/reopen/open,
-- message insert, all in the caller's transaction (a single statement from the client).

-- Create the customer with this identity, or return the existing one with the name updated
-- (when given) and a missing phone filled in. The row stays locked until the transaction ends,
-- which serializes concurrent inbound work for one customer. `p_id` is the id to use when
-- creating: the caller compares it with the result to know whether the row is new.
CREATE FUNCTION _sb_.upsert_customer(p_id text, p_identity text, p_phone text, p_name text, p_at timestamptz)
RETURNS _sb_.customers LANGUAGE sql AS $$
  INSERT INTO _sb_.customers AS c (id, identity, phone, name, created_at, updated_at)
  VALUES (p_id, p_identity, p_phone, p_name, p_at, p_at)
  ON CONFLICT (identity) DO UPDATE SET
    name = coalesce(excluded.name, c.name),
    phone = coalesce(c.phone, excluded.phone),
    updated_at = CASE WHEN excluded.name IS NOT NULL AND excluded.name IS DISTINCT FROM c.name THEN excluded.updated_at ELSE c.updated_at END
  RETURNING c.*
$$;

-- One ticket event row from a ticket's state before a change.
CREATE FUNCTION _sb_.ticket_event(
  p_id text, p_from _sb_.tickets, p_type text, p_to_status text, p_to_agent text, p_to_branch text,
  p_actor jsonb, p_reason text, p_at timestamptz
) RETURNS _sb_.ticket_events LANGUAGE sql AS $$
  INSERT INTO _sb_.ticket_events (id, ticket_id, type, from_status, to_status, from_agent_id, to_agent_id, from_branch, to_branch, actor, reason, at)
  VALUES (p_id, p_from.id, p_type, p_from.status, p_to_status, p_from.assignee_id, p_to_agent, p_from.branch, p_to_branch, p_actor, p_reason, p_at)
  RETURNING *
$$;

CREATE FUNCTION _sb_.ingest_inbound(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_at timestamptz := (p->>'at')::timestamptz;
  v_wrote timestamptz := coalesce((p->>'providerTimestamp')::timestamptz, (p->>'at')::timestamptz);
  v_channel text := p->>'channelId';
  v_pid text := p->>'providerMessageId';
  v_window double precision := (p->>'reopenWindowMs')::double precision;
  v_msg _sb_.messages;
  v_cus _sb_.customers;
  v_t _sb_.tickets;
  v_last _sb_.tickets;
  v_ev _sb_.ticket_events;
  v_outcome text;
  v_events jsonb := '[]'::jsonb;
  v_actor jsonb;
BEGIN
  -- Deliveries of one provider message queue here; the later ones then see the stored row.
  PERFORM pg_advisory_xact_lock(hashtextextended('sb-in:' || v_channel || ':' || v_pid, 0));
  SELECT * INTO v_msg FROM _sb_.messages WHERE channel_id = v_channel AND provider_message_id = v_pid;
  IF FOUND THEN
    RETURN jsonb_build_object('duplicate', true, 'message', to_jsonb(v_msg));
  END IF;

  v_cus := _sb_.upsert_customer(p->>'customerId', p->>'identity', p->>'phone', p->>'name', v_at);
  INSERT INTO _sb_.customer_channels AS cc (customer_id, channel_id, address, last_inbound_at)
  VALUES (v_cus.id, v_channel, p->>'address', v_wrote)
  ON CONFLICT (customer_id, channel_id) DO UPDATE SET
    address = excluded.address,
    last_inbound_at = greatest(cc.last_inbound_at, excluded.last_inbound_at);
  v_actor := jsonb_build_object('type', 'customer', 'id', v_cus.id);

  FOR attempt IN 1..5 LOOP
    SELECT * INTO v_t FROM _sb_.tickets
    WHERE customer_id = v_cus.id AND channel_id = v_channel AND status <> 'closed'
    FOR UPDATE;
    IF FOUND THEN
      v_outcome := 'existing';
      IF v_t.status = 'pending' THEN
        v_ev := _sb_.ticket_event(p->>'eventId', v_t, 'status_changed', 'open', v_t.assignee_id, v_t.branch, v_actor, 'customer replied', v_at);
        v_events := jsonb_build_array(to_jsonb(v_ev));
      END IF;
      UPDATE _sb_.tickets SET
        status = CASE WHEN status = 'pending' THEN 'open' ELSE status END,
        last_activity_at = greatest(last_activity_at, v_at),
        last_inbound_at = greatest(last_inbound_at, v_wrote)
      WHERE id = v_t.id
      RETURNING * INTO v_t;
      EXIT;
    END IF;

    SELECT * INTO v_last FROM _sb_.tickets
    WHERE customer_id = v_cus.id AND channel_id = v_channel
    ORDER BY id DESC LIMIT 1;
    IF FOUND AND v_last.status = 'closed' AND v_last.closed_at IS NOT NULL AND v_window > 0
       AND extract(epoch FROM (v_at - v_last.closed_at)) * 1000 <= v_window THEN
      UPDATE _sb_.tickets SET
        status = 'queued', assignee_id = NULL, queued_at = v_at, closed_at = NULL,
        reopen_count = reopen_count + 1,
        last_activity_at = greatest(last_activity_at, v_at),
        last_inbound_at = greatest(last_inbound_at, v_wrote)
      WHERE id = v_last.id AND status = 'closed'
      RETURNING * INTO v_t;
      IF FOUND THEN
        v_outcome := 'reopened';
        v_ev := _sb_.ticket_event(p->>'eventId', v_last, 'reopened', 'queued', NULL, v_last.branch, v_actor, 'customer wrote after closing', v_at);
        v_events := jsonb_build_array(to_jsonb(v_ev));
        EXIT;
      END IF;
      CONTINUE;
    END IF;

    INSERT INTO _sb_.tickets AS t (id, channel_id, customer_id, status, branch, skills, opened_at, queued_at, last_activity_at, last_inbound_at)
    VALUES (p->>'ticketId', v_channel, v_cus.id, 'queued', p->>'branch',
            ARRAY(SELECT jsonb_array_elements_text(p->'skills')), v_at, v_at, v_at, v_wrote)
    ON CONFLICT (customer_id, channel_id) WHERE status <> 'closed' DO NOTHING
    RETURNING * INTO v_t;
    IF FOUND THEN
      v_outcome := 'created';
      INSERT INTO _sb_.ticket_events (id, ticket_id, type, from_status, to_status, from_agent_id, to_agent_id, from_branch, to_branch, actor, reason, at)
      VALUES (p->>'eventId', v_t.id, 'opened', NULL, 'queued', NULL, NULL, NULL, v_t.branch, v_actor, NULL, v_at)
      RETURNING * INTO v_ev;
      v_events := jsonb_build_array(to_jsonb(v_ev));
      EXIT;
    END IF;
  END LOOP;
  IF v_outcome IS NULL THEN
    RAISE EXCEPTION 'switchboard: could not settle the ticket of customer % on channel %', v_cus.id, v_channel
      USING ERRCODE = '40001';
  END IF;

  INSERT INTO _sb_.messages (id, channel_id, ticket_id, customer_id, direction, author, content, provider_message_id,
                             status, reply_to_provider_message_id, provider_timestamp, created_at, status_at, search_tsv)
  VALUES (p->>'messageId', v_channel, v_t.id, v_cus.id, 'inbound', v_actor, p->'content', v_pid,
          'received', p->>'replyTo', (p->>'providerTimestamp')::timestamptz, v_at, v_at,
          array_to_tsvector(ARRAY(SELECT jsonb_array_elements_text(p->'terms'))))
  RETURNING * INTO v_msg;

  RETURN jsonb_build_object(
    'duplicate', false,
    'message', to_jsonb(v_msg),
    'customer', to_jsonb(v_cus),
    'customerCreated', v_cus.id = p->>'customerId',
    'ticket', to_jsonb(v_t),
    'outcome', v_outcome,
    'events', v_events
  );
END
$$;
