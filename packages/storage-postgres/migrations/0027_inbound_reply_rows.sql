-- The inbound statement, cheaper for the database. Counted with callgrind on a single-user
-- backend running batches of four messages (as bench/inbound.ts: one new ticket per six
-- messages, routed least-loaded): 2.10M instructions a message before, 1.80M after (-14%).
--
-- * Replies are built as rows and sent as json (`to_json` of _sb_.inbound_reply), not assembled
--   with jsonb_build_object/to_jsonb and then extended with `||` for the routing: a jsonb value
--   is built as a tree, its keys sorted, packed to binary, copied again by `||` and turned back
--   into text for the client. Same JSON shape as before.
-- * tickets_activity (last_activity_at) is dropped: every inbound message moves
--   last_activity_at, and an index on it made each such ticket update write a new entry in all
--   eight ticket indexes instead of a heap-only (HOT) update. Only the auto-close sweep used it;
--   it now reads the open and pending tickets through tickets_status.
--
-- The message's work (ingest_one) is 0010's ingest_inbound, restated with the row reply.

DROP INDEX _sb_.tickets_activity;

CREATE TYPE _sb_.inbound_reply AS (
  duplicate boolean,
  message _sb_.messages,
  customer _sb_.customers,
  "customerCreated" boolean,
  ticket _sb_.tickets,
  outcome text,
  events _sb_.ticket_events[],
  routing jsonb
);

CREATE FUNCTION _sb_.ingest_one(p jsonb) RETURNS _sb_.inbound_reply LANGUAGE plpgsql AS $$
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
  v_events _sb_.ticket_events[] := '{}';
  v_r _sb_.inbound_reply;
  v_actor jsonb;
BEGIN
  -- Deliveries of one provider message queue here; the later ones then see the stored row.
  PERFORM pg_advisory_xact_lock(hashtextextended('sb-in:' || v_channel || ':' || v_pid, 0));
  SELECT * INTO v_msg FROM _sb_.messages WHERE channel_id = v_channel AND provider_message_id = v_pid;
  IF FOUND THEN
    v_r.duplicate := true;
    v_r.message := v_msg;
    RETURN v_r;
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
        v_events := ARRAY[v_ev];
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
        v_events := ARRAY[v_ev];
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
      v_events := ARRAY[v_ev];
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

  RETURN ROW(false, v_msg, v_cus, v_cus.id = p->>'customerId', v_t, v_outcome, v_events, NULL)::_sb_.inbound_reply;
END
$$;

-- A message's reply with the routing of its ticket when it asked for it and left the ticket
-- queued (`p_route_it` false: another message of the same batch already routed that ticket).
-- Takes the routing lock first (0025).
CREATE FUNCTION _sb_.with_routing(r _sb_.inbound_reply, p jsonb, p_route_it boolean) RETURNS _sb_.inbound_reply LANGUAGE plpgsql AS $$
BEGIN
  IF jsonb_typeof(p->'route') IS DISTINCT FROM 'object' OR r.duplicate THEN
    RETURN r;
  END IF;
  IF NOT p_route_it OR (r.ticket).status <> 'queued' THEN
    r.routing := '{"assignment": null}';
    RETURN r;
  END IF;
  -- '_sb_.' becomes the schema name: one routing lock per schema (taken again in the same transaction: a no-op).
  PERFORM pg_advisory_xact_lock(hashtextextended('sb-route:_sb_.', 0));
  r.routing := jsonb_build_object('assignment', _sb_.route_queued_ticket((r.ticket).id, p->'route', p->>'routeEventId', p->>'at'));
  RETURN r;
END $$;

DROP FUNCTION _sb_.ingest_inbound_batch(jsonb[]);
DROP FUNCTION _sb_.ingest_inbound(jsonb);
DROP FUNCTION _sb_.with_routing(jsonb, jsonb, boolean);
DROP FUNCTION _sb_.ingest_inbound_unrouted(jsonb);

-- Every message's work first, then the routing of the tickets they left queued (each ticket
-- once, reported with the first of its messages). One reply per message, in order (0025).
CREATE FUNCTION _sb_.ingest_inbound_batch(p jsonb[]) RETURNS SETOF json LANGUAGE plpgsql AS $$
DECLARE
  v_n integer := coalesce(array_length(p, 1), 0);
  v_results _sb_.inbound_reply[] := '{}';
  v_r _sb_.inbound_reply;
  v_routed text[] := '{}';
  v_ticket text;
BEGIN
  FOR i IN 1..v_n LOOP
    v_results := array_append(v_results, _sb_.ingest_one(p[i]));
  END LOOP;
  FOR i IN 1..v_n LOOP
    v_r := v_results[i];
    v_ticket := (v_r.ticket).id;
    RETURN NEXT to_json(_sb_.with_routing(v_r, p[i], v_ticket IS NULL OR NOT v_ticket = ANY (v_routed)));
    IF v_ticket IS NOT NULL THEN
      v_routed := array_append(v_routed, v_ticket);
    END IF;
  END LOOP;
END $$;

-- One message.
CREATE FUNCTION _sb_.ingest_inbound(p jsonb) RETURNS json LANGUAGE plpgsql AS $$
BEGIN
  RETURN to_json(_sb_.with_routing(_sb_.ingest_one(p), p, true));
END $$;
