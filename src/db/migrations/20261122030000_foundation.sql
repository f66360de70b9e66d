-- Foundation: idempotency, the event outbox, the audit log, API keys, operators.

CREATE TABLE idempotency_keys (
  principal       text        NOT NULL,
  key             text        NOT NULL,
  request_method  text        NOT NULL,
  request_path    text        NOT NULL,
  request_hash    text        NOT NULL,
  state           text        NOT NULL CHECK (state IN ('in_progress', 'completed')),
  response_status integer,
  response_body   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz,
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Every domain event, written in the same transaction as the change it describes. Payment
-- timelines read it; outgoing webhooks are dispatched from it.
CREATE TABLE events (
  id            text        PRIMARY KEY,
  seq           bigserial   UNIQUE,
  type          text        NOT NULL,
  aggregate_id  text        NOT NULL,
  data          jsonb       NOT NULL,
  actor         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX events_aggregate ON events (aggregate_id, seq);
CREATE INDEX events_undispatched ON events (seq) WHERE dispatched_at IS NULL;

CREATE TABLE audit_log (
  id          bigserial   PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_type  text        NOT NULL CHECK (actor_type IN ('operator', 'api_key', 'system', 'cli')),
  actor_id    text,
  actor_name  text,
  action      text        NOT NULL,
  target_type text,
  target_id   text,
  details     jsonb       NOT NULL DEFAULT '{}',
  request_id  text,
  ip          text
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE api_keys (
  id           text        PRIMARY KEY,
  name         text        NOT NULL,
  prefix       text        NOT NULL,
  key_hash     bytea       NOT NULL UNIQUE,
  scopes       text[]      NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

CREATE TABLE operators (
  id            text        PRIMARY KEY,
  username      text        NOT NULL,
  display_name  text        NOT NULL,
  password_hash text        NOT NULL,
  role          text        NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled_at   timestamptz
);
CREATE UNIQUE INDEX operators_username ON operators (lower(username));

CREATE TABLE operator_sessions (
  id          text        PRIMARY KEY,
  token_hash  bytea       NOT NULL UNIQUE,
  operator_id text        NOT NULL REFERENCES operators (id),
  csrf_token  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
