-- Several inbound messages in one statement: the store sends concurrent ingestInbound calls
-- together (src/repos/inbound.ts). Each message runs exactly as ingest_inbound alone, in array
-- order, in one transaction: a later message sees an earlier one (a repeated delivery is a
-- duplicate, a second message from one customer finds the ticket the first opened). One result
-- row per message, in order.
CREATE FUNCTION _sb_.ingest_inbound_batch(p jsonb[]) RETURNS SETOF jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_item jsonb;
BEGIN
  FOREACH v_item IN ARRAY p LOOP
    RETURN NEXT _sb_.ingest_inbound(v_item);
  END LOOP;
END $$;
