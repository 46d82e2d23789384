-- Notifications outbox (guarantee 4: one notification per key), attempts, campaigns.

-- Receipt rank for notifications: a receipt applies only when it moves the status forward
-- (mirrors core's canAdvanceNotification; used in UPDATE ... WHERE so it holds under races).
CREATE FUNCTION _sb_.can_advance_notification(current_status text, next_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN current_status IN ('failed', 'skipped') THEN false
    WHEN current_status NOT IN ('pending', 'retrying', 'sending', 'uncertain', 'sent', 'delivered', 'read') THEN false
    WHEN next_status = 'failed' THEN current_status IN ('sending', 'uncertain', 'sent')
    ELSE (CASE next_status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE -1 END)
       > (CASE current_status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 0 END)
  END
$$;

CREATE TABLE _sb_.notifications (
  id text COLLATE "C" PRIMARY KEY,
  key text COLLATE "C" NOT NULL,
  channel_id text NOT NULL,
  to_address text NOT NULL,
  phone text,
  content jsonb NOT NULL,
  fallback jsonb,
  metadata jsonb NOT NULL,
  status text NOT NULL,
  skip_reason text,
  error jsonb,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  lease_owner text,
  lease_expires_at timestamptz,
  -- When the current attempt's send started (null: not yet). Lease expiry and release decide on it.
  send_started_at timestamptz,
  provider_message_id text,
  request_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  CONSTRAINT notifications_key_unique UNIQUE (key)
);
-- The dispatcher's claim: due notifications of a channel, earliest first.
CREATE INDEX notifications_due_idx ON _sb_.notifications (channel_id, next_attempt_at, id) WHERE status IN ('pending', 'retrying');
-- Lease expiry sweep.
CREATE INDEX notifications_lease_idx ON _sb_.notifications (lease_expires_at) WHERE status = 'sending';
-- Receipts by provider id.
CREATE INDEX notifications_provider_idx ON _sb_.notifications (channel_id, provider_message_id) WHERE provider_message_id IS NOT NULL;
-- Log filters (newest first = id descending): status, recipient, creation time. The key's unique
-- index (COLLATE "C") also serves key-prefix LIKE filters.
CREATE INDEX notifications_status_idx ON _sb_.notifications (status, id);
CREATE INDEX notifications_phone_idx ON _sb_.notifications (phone, id);
CREATE INDEX notifications_created_idx ON _sb_.notifications (created_at, id);

CREATE TABLE _sb_.notification_attempts (
  notification_id text COLLATE "C" NOT NULL REFERENCES _sb_.notifications (id) ON DELETE CASCADE,
  number integer NOT NULL,
  owner text NOT NULL,
  started_at timestamptz NOT NULL,
  send_started_at timestamptz,
  finished_at timestamptz,
  outcome text,
  error jsonb,
  provider_message_id text,
  PRIMARY KEY (notification_id, number)
);

CREATE TABLE _sb_.campaigns (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  channel_id text NOT NULL,
  content jsonb NOT NULL,
  audience jsonb NOT NULL,
  scheduled_at timestamptz NOT NULL,
  status text NOT NULL,
  recipients integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
