-- CSAT requests and answers (the KPI log's survey part).

CREATE TABLE _sb_.csat_requests (
  id text COLLATE "C" PRIMARY KEY,
  ticket_id text COLLATE "C" NOT NULL,
  channel_id text NOT NULL,
  customer_id text COLLATE "C" NOT NULL,
  agent_id text COLLATE "C",
  message_id text COLLATE "C" NOT NULL,
  closed_at timestamptz NOT NULL,
  requested_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  answered_at timestamptz,
  -- One request per closing of a ticket.
  CONSTRAINT csat_requests_closing_unique UNIQUE (ticket_id, closed_at)
);
-- The customer's latest request on a channel (the only answerable one).
CREATE INDEX csat_requests_latest_idx ON _sb_.csat_requests (customer_id, channel_id, requested_at DESC, id DESC);

CREATE TABLE _sb_.csat_answers (
  id text COLLATE "C" PRIMARY KEY,
  request_id text COLLATE "C" NOT NULL REFERENCES _sb_.csat_requests (id) ON DELETE CASCADE,
  ticket_id text COLLATE "C" NOT NULL,
  channel_id text NOT NULL,
  customer_id text COLLATE "C" NOT NULL,
  agent_id text COLLATE "C",
  message_id text COLLATE "C" NOT NULL,
  rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  at timestamptz NOT NULL,
  CONSTRAINT csat_answers_request_unique UNIQUE (request_id)
);
CREATE INDEX csat_answers_ticket_idx ON _sb_.csat_answers (ticket_id);
