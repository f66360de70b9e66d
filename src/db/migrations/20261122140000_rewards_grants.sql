-- Rewards, the grant half (docs/rewards.md#grants): what settlement and refund events were
-- received (each once, whatever its source and however often it is delivered), the payments
-- outbox consumer's position, and which cap cut a grant down.

ALTER TABLE reward_grants
  ADD COLUMN limited_by text CHECK (limited_by IN ('customer_month_cap', 'campaign_budget'));

-- One settlement per payment, from whichever source told us first (the payments outbox,
-- POST /v1/events, NATS). Its presence is what makes a repeated event a no-op; the grants it
-- produced are in reward_grants (none when no campaign applied).
CREATE TABLE reward_settlements (
  payment_id     text        PRIMARY KEY,
  customer_id    text        NOT NULL,
  amount         bigint      NOT NULL CHECK (amount >= 0),
  currency       text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  merchant_id    text        NOT NULL,
  payment_method text        NOT NULL,
  -- When the payment was made: picks the campaign version, the period and the cap month.
  paid_at        timestamptz NOT NULL,
  settled_at     timestamptz NOT NULL,
  source         text        NOT NULL CHECK (source IN ('payments', 'http', 'nats')),
  event_id       text        NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now()
);

-- Every refund once, per payment. A refund that arrives before its payment's settlement waits
-- here and is applied when the grants are made (both take the payment's advisory lock).
CREATE TABLE reward_refunds (
  payment_id  text        NOT NULL,
  refund_id   text        NOT NULL,
  amount      bigint      NOT NULL CHECK (amount > 0),
  currency    text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  refunded_at timestamptz NOT NULL,
  source      text        NOT NULL CHECK (source IN ('payments', 'http', 'nats')),
  event_id    text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (payment_id, refund_id)
);

-- The payments outbox consumer: every `events` row with seq ≤ low_seq has been handled (or is
-- not one it handles); above it, reward_outbox_seen says which were.
CREATE TABLE reward_outbox_consumers (
  name    text   PRIMARY KEY,
  low_seq bigint NOT NULL DEFAULT 0
);
CREATE TABLE reward_outbox_seen (
  event_id     text        PRIMARY KEY,
  seq          bigint      NOT NULL,
  outcome      text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reward_outbox_seen_seq ON reward_outbox_seen (seq);

CREATE INDEX reward_ledger_entries_campaign_period ON reward_ledger_entries (campaign_id, occurred_at);
