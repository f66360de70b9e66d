-- Payments: one order's money at one provider. The money invariants are CHECK constraints, so
-- no code path, concurrent or not, can store a payment that breaks them.

CREATE TABLE payments (
  id                     text        PRIMARY KEY,
  order_id               text        NOT NULL,
  provider               text        NOT NULL,
  payment_method         text        NOT NULL,
  currency               text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  capture_method         text        NOT NULL CHECK (capture_method IN ('manual', 'automatic')),
  status                 text        NOT NULL CHECK (status IN (
                           'requires_authorization', 'pending', 'authorized', 'partially_captured',
                           'captured', 'partially_refunded', 'refunded', 'voided', 'declined')),
  amount                 bigint      NOT NULL CHECK (amount >= 0),
  amount_authorized      bigint      NOT NULL DEFAULT 0 CHECK (amount_authorized >= 0),
  amount_captured        bigint      NOT NULL DEFAULT 0 CHECK (amount_captured >= 0),
  amount_refunded        bigint      NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
  amount_capturing       bigint      NOT NULL DEFAULT 0 CHECK (amount_capturing >= 0),
  amount_refunding       bigint      NOT NULL DEFAULT 0 CHECK (amount_refunding >= 0),
  provider_payment_id    text,
  in_flight_operation_id text,
  decline_code           text,
  order_cancelled_at     timestamptz,
  delivered_at           timestamptz,
  capture_batch_id       text,
  needs_attention        boolean     NOT NULL DEFAULT false,
  attention_reason       text,
  metadata               jsonb       NOT NULL DEFAULT '{}',
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT captured_within_authorized CHECK (amount_captured + amount_capturing <= amount_authorized),
  CONSTRAINT refunded_within_captured CHECK (amount_refunded + amount_refunding <= amount_captured)
);
-- One live payment per order; a declined attempt does not block the customer's next try.
CREATE UNIQUE INDEX payments_order ON payments (order_id) WHERE status <> 'declined';
CREATE INDEX payments_order_all ON payments (order_id);
CREATE INDEX payments_status ON payments (status, id);
CREATE INDEX payments_provider ON payments (provider, id);
CREATE INDEX payments_created ON payments (created_at, id);
CREATE INDEX payments_capture_due ON payments (id)
  WHERE delivered_at IS NOT NULL AND capture_batch_id IS NULL AND status IN ('authorized', 'partially_captured') AND NOT needs_attention;
CREATE INDEX payments_capture_batch ON payments (capture_batch_id) WHERE capture_batch_id IS NOT NULL;
CREATE INDEX payments_attention ON payments (id) WHERE needs_attention;

-- Every call made to a provider, recorded before it is made. Its id is the idempotency key the
-- provider sees, so a retry after a crash or a lost response can never act twice.
CREATE TABLE payment_operations (
  id                  text        PRIMARY KEY,
  payment_id          text        NOT NULL REFERENCES payments (id),
  kind                text        NOT NULL CHECK (kind IN (
                        'authorize', 'increment_authorization', 'reauthorize', 'capture', 'void', 'refund')),
  amount              bigint      NOT NULL CHECK (amount >= 0),
  status              text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'unknown')),
  provider_reference  text,
  replaces_reference  text,
  params              jsonb       NOT NULL DEFAULT '{}',
  decline_code        text,
  failure_code        text,
  error               text,
  attempts            integer     NOT NULL DEFAULT 0,
  next_attempt_at     timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  completed_at        timestamptz
);
CREATE INDEX payment_operations_payment ON payment_operations (payment_id, created_at);
CREATE INDEX payment_operations_unresolved ON payment_operations (next_attempt_at)
  WHERE status IN ('pending', 'unknown');

-- Provider webhooks received, for de-duplication.
CREATE TABLE provider_webhook_events (
  provider     text        NOT NULL,
  event_id     text        NOT NULL,
  type         text        NOT NULL,
  payment_id   text,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);

-- Outgoing webhooks.
CREATE TABLE webhook_endpoints (
  id          text        PRIMARY KEY,
  url         text        NOT NULL,
  secret      text        NOT NULL,
  event_types text[]      NOT NULL,
  description text        NOT NULL DEFAULT '',
  enabled     boolean     NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
  id               text        PRIMARY KEY,
  endpoint_id      text        NOT NULL REFERENCES webhook_endpoints (id),
  event_id         text        NOT NULL REFERENCES events (id),
  status           text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  locked_until     timestamptz,
  last_status_code integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- The sandbox provider's own books: what it holds per card. It simulates an external system,
-- so only the simulator touches these tables.
CREATE TABLE sandbox_charges (
  id                text        PRIMARY KEY,
  payment_method    text        NOT NULL,
  currency          text        NOT NULL,
  capture_method    text        NOT NULL,
  status            text        NOT NULL CHECK (status IN ('authorized', 'partially_captured', 'captured', 'voided')),
  amount_authorized bigint      NOT NULL,
  amount_captured   bigint      NOT NULL DEFAULT 0,
  amount_refunded   bigint      NOT NULL DEFAULT 0,
  reference         text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (amount_captured <= amount_authorized),
  CHECK (amount_refunded <= amount_captured)
);
CREATE INDEX sandbox_charges_card ON sandbox_charges (payment_method);

-- The sandbox honours idempotency keys like a real provider: the same key returns the first answer.
CREATE TABLE sandbox_requests (
  idempotency_key text        PRIMARY KEY,
  operation       text        NOT NULL,
  charge_id       text,
  response        jsonb       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Order changes after purchase, with the decision the table took (docs/order-changes.md).
CREATE TABLE order_changes (
  id              text        PRIMARY KEY,
  order_id        text        NOT NULL,
  payment_id      text        NOT NULL REFERENCES payments (id),
  kind            text        NOT NULL CHECK (kind IN ('items', 'delivery_slot', 'stockout', 'substitution', 'discount', 'cancel')),
  amount_before   bigint      NOT NULL,
  amount_after    bigint      NOT NULL,
  decision        text        NOT NULL CHECK (decision IN ('keep', 'reauthorize', 'authorize', 'void')),
  rule            text        NOT NULL,
  outcome         text        NOT NULL CHECK (outcome IN ('applied', 'rejected', 'pending')),
  decline_code    text,
  details         jsonb       NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_changes_order ON order_changes (order_id, created_at);
