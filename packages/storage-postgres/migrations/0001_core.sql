-- Core tables: agents, customers, tickets, messages, channel values, audit.
-- `_sb_.` is replaced by the configured schema (quoted) before this file runs.
-- Ids are core's time-ordered `newId()` strings; COLLATE "C" keeps ORDER BY id equal to
-- JavaScript string order, which keyset cursors rely on.

CREATE TABLE _sb_.agents (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  capacity integer NOT NULL,
  status text NOT NULL,
  branch text,
  skills text[] NOT NULL DEFAULT '{}',
  last_assigned_at timestamptz,
  status_changed_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL
);

-- Appended in the same statement as the status change (KPIs: online time).
CREATE TABLE _sb_.agent_status_log (
  seq bigserial PRIMARY KEY,
  agent_id text COLLATE "C" NOT NULL REFERENCES _sb_.agents (id),
  status text NOT NULL,
  previous text,
  at timestamptz NOT NULL
);
CREATE INDEX agent_status_log_agent ON _sb_.agent_status_log (agent_id, at);

CREATE TABLE _sb_.customers (
  id text COLLATE "C" PRIMARY KEY,
  identity text NOT NULL UNIQUE,
  phone text,
  name text,
  tags text[] NOT NULL DEFAULT '{}',
  opted_out boolean NOT NULL DEFAULT false,
  opted_out_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX customers_tags ON _sb_.customers USING gin (tags);

CREATE TABLE _sb_.customer_channels (
  customer_id text COLLATE "C" NOT NULL REFERENCES _sb_.customers (id),
  channel_id text NOT NULL,
  address text NOT NULL,
  last_inbound_at timestamptz,
  PRIMARY KEY (customer_id, channel_id)
);
CREATE INDEX customer_channels_last_inbound ON _sb_.customer_channels (channel_id, last_inbound_at);

CREATE TABLE _sb_.customer_notes (
  id text COLLATE "C" PRIMARY KEY,
  customer_id text COLLATE "C" NOT NULL REFERENCES _sb_.customers (id),
  author jsonb NOT NULL,
  text text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX customer_notes_customer ON _sb_.customer_notes (customer_id, id);

CREATE TABLE _sb_.tickets (
  id text COLLATE "C" PRIMARY KEY,
  channel_id text NOT NULL,
  customer_id text COLLATE "C" NOT NULL REFERENCES _sb_.customers (id),
  status text NOT NULL CHECK (status IN ('queued', 'open', 'pending', 'closed')),
  assignee_id text COLLATE "C" REFERENCES _sb_.agents (id),
  branch text,
  skills text[] NOT NULL DEFAULT '{}',
  opened_at timestamptz NOT NULL,
  queued_at timestamptz,
  closed_at timestamptz,
  last_activity_at timestamptz NOT NULL,
  last_inbound_at timestamptz,
  last_agent_reply_at timestamptz,
  reopen_count integer NOT NULL DEFAULT 0,
  last_assignee_id text COLLATE "C",
  handoff_at timestamptz
);
-- Guarantee 2: at most one non-closed ticket per customer and channel.
CREATE UNIQUE INDEX tickets_one_open ON _sb_.tickets (customer_id, channel_id) WHERE status <> 'closed';
CREATE INDEX tickets_customer_channel ON _sb_.tickets (customer_id, channel_id, id);
CREATE INDEX tickets_assignee_status ON _sb_.tickets (assignee_id, status, id);
CREATE INDEX tickets_status ON _sb_.tickets (status, id);
CREATE INDEX tickets_queue ON _sb_.tickets (queued_at, id) WHERE status = 'queued';
CREATE INDEX tickets_activity ON _sb_.tickets (last_activity_at, id) WHERE status IN ('open', 'pending');

CREATE TABLE _sb_.ticket_events (
  seq bigserial PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  ticket_id text COLLATE "C" NOT NULL REFERENCES _sb_.tickets (id),
  type text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  from_agent_id text,
  to_agent_id text,
  from_branch text,
  to_branch text,
  actor jsonb NOT NULL,
  reason text,
  at timestamptz NOT NULL
);
CREATE INDEX ticket_events_ticket ON _sb_.ticket_events (ticket_id, seq);
CREATE INDEX ticket_events_at ON _sb_.ticket_events (at);

CREATE TABLE _sb_.messages (
  id text COLLATE "C" PRIMARY KEY,
  channel_id text NOT NULL,
  ticket_id text COLLATE "C" REFERENCES _sb_.tickets (id),
  customer_id text COLLATE "C" NOT NULL REFERENCES _sb_.customers (id),
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  author jsonb NOT NULL,
  content jsonb NOT NULL,
  provider_message_id text,
  status text NOT NULL,
  error jsonb,
  reply_to_provider_message_id text,
  provider_timestamp timestamptz,
  created_at timestamptz NOT NULL,
  status_at timestamptz NOT NULL,
  -- Lexemes of core's searchTerms(searchableText(content)); indexed in 0011.
  search_tsv tsvector
);
-- Guarantee 1: a provider message is stored once per channel.
CREATE UNIQUE INDEX messages_provider_id ON _sb_.messages (channel_id, provider_message_id);
CREATE INDEX messages_ticket ON _sb_.messages (ticket_id, id);
CREATE INDEX messages_customer ON _sb_.messages (customer_id, id);
CREATE INDEX messages_created ON _sb_.messages (created_at);

-- Receipts that arrived before the send result recorded the provider id (messages and notifications).
CREATE TABLE _sb_.early_receipts (
  channel_id text NOT NULL,
  provider_message_id text NOT NULL,
  status text NOT NULL,
  error jsonb,
  at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, provider_message_id)
);

-- Stored as JSON text, not jsonb, so a value reads back exactly as written (key order included).
CREATE TABLE _sb_.channel_values (
  channel_id text NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, key)
);

CREATE TABLE _sb_.audit (
  id text COLLATE "C" PRIMARY KEY,
  actor jsonb NOT NULL,
  actor_id text,
  action text NOT NULL,
  entity_type text,
  entity_id text,
  data jsonb NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX audit_entity ON _sb_.audit (entity_type, entity_id, id);
CREATE INDEX audit_actor ON _sb_.audit (actor_id, id);

-- Status rank for monotonic receipts; mirrors core's canAdvanceStatus.
CREATE FUNCTION _sb_.can_advance_status(cur text, nxt text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN cur = 'received' OR nxt IN ('received', 'pending') OR cur = 'failed' THEN false
    WHEN nxt = 'failed' THEN cur IN ('pending', 'sent')
    ELSE (CASE nxt WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END)
       > (CASE cur WHEN 'pending' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END)
  END
$$;
