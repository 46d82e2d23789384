-- Quick replies, provider templates, trigger rules and their firings, business-hours calendars.

CREATE TABLE _sb_.quick_replies (
  id text COLLATE "C" PRIMARY KEY,
  owner_agent_id text COLLATE "C",
  shortcut text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  category text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- One shortcut per owner; global replies (no owner) share one namespace.
CREATE UNIQUE INDEX quick_replies_shortcut_idx ON _sb_.quick_replies (owner_agent_id, shortcut) NULLS NOT DISTINCT;

CREATE TABLE _sb_.provider_templates (
  id text COLLATE "C" PRIMARY KEY,
  channel_id text NOT NULL,
  name text NOT NULL,
  language text NOT NULL,
  category text NOT NULL,
  status text NOT NULL,
  parameter_format text NOT NULL,
  components jsonb NOT NULL,
  provider_template_id text,
  status_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT provider_templates_name_unique UNIQUE (channel_id, name, language)
);
CREATE INDEX provider_templates_provider_id_idx ON _sb_.provider_templates (channel_id, provider_template_id);

CREATE TABLE _sb_.triggers (
  id text COLLATE "C" PRIMARY KEY,
  priority integer NOT NULL,
  -- The rule's own fields (name, enabled, match, action, ...) as core defines them.
  spec jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Last firing of a rule per customer (cooldown), claimed with one conditional upsert.
CREATE TABLE _sb_.trigger_firings (
  trigger_id text COLLATE "C" NOT NULL,
  customer_id text COLLATE "C" NOT NULL,
  fired_at timestamptz NOT NULL,
  PRIMARY KEY (trigger_id, customer_id)
);

CREATE TABLE _sb_.calendars (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  calendar jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
