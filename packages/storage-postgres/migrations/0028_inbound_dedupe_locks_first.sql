-- A batch takes the dedupe locks of all its messages first, in key order, before any customer
-- or ticket. Before, it took each message's dedupe lock as it reached the message, after the
-- customer rows of the messages before it: a batch holding a new customer's row and waiting
-- for the dedupe lock of that customer's next message, while a lone statement for that same
-- message held its dedupe lock and waited for the customer row, was a deadlock (seen in CI,
-- SQLSTATE 40P01). Now every inbound statement locks deliveries, then customers and tickets
-- (in identity order), then agents (routing), so no two can wait on each other in a cycle.
-- ingest_one still takes its message's lock itself (a no-op inside the batch).
CREATE OR REPLACE FUNCTION _sb_.ingest_inbound_batch(p jsonb[]) RETURNS SETOF json LANGUAGE plpgsql AS $$
DECLARE
  v_n integer := coalesce(array_length(p, 1), 0);
  v_results _sb_.inbound_reply[] := '{}';
  v_r _sb_.inbound_reply;
  v_routed text[] := '{}';
  v_ticket text;
  v_key bigint;
BEGIN
  FOR v_key IN
    SELECT DISTINCT hashtextextended('sb-in:' || (x->>'channelId') || ':' || (x->>'providerMessageId'), 0) FROM unnest(p) AS x ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(v_key);
  END LOOP;
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
