-- Live events larger than what fits in one NOTIFY payload (8000 bytes; we switch well before)
-- are stored here and notified by id. Rows are short-lived: publishers delete rows older than
-- a few minutes.
CREATE TABLE _sb_.live_event_payloads (
  id text COLLATE "C" PRIMARY KEY,
  payload text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_event_payloads_created ON _sb_.live_event_payloads (created_at);
