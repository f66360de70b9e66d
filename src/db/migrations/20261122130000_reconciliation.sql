-- Channel reconciliation (docs/reconciliation.md): settlement files and their lines, our side's
-- transactions, match groups, per-day results, discrepancies and runs.

-- A file imported whole or not at all. The same bytes twice for one channel are refused by the
-- unique constraint (it decides races between concurrent uploads). Our side's exports (shops
-- whose payments are not on Kessai) are files too, with side = 'ours'.
CREATE TABLE recon_files (
  id              text        PRIMARY KEY,
  side            text        NOT NULL CHECK (side IN ('channel', 'ours')),
  channel         text        NOT NULL,
  file_name       text        NOT NULL,
  sha256          text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  byte_length     bigint      NOT NULL,
  format          text        NOT NULL,
  format_version  text        NOT NULL,
  encoding        text        NOT NULL,
  line_count      integer     NOT NULL,
  footer_status   text        NOT NULL CHECK (footer_status IN ('passed', 'failed', 'missing', 'not_applicable')),
  footer          jsonb       NOT NULL DEFAULT '[]',
  problems        jsonb       NOT NULL DEFAULT '[]',
  metadata        jsonb       NOT NULL DEFAULT '{}',
  post_dates      date[]      NOT NULL DEFAULT '{}',
  status          text        NOT NULL DEFAULT 'imported' CHECK (status IN ('imported')),
  uploaded_by     text        NOT NULL,
  uploaded_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT recon_files_same_bytes UNIQUE (side, channel, sha256)
);
CREATE INDEX recon_files_uploaded ON recon_files (uploaded_at DESC, id DESC);

-- Saved column mappings for channels read by the generic parser (and for our side's exports).
CREATE TABLE recon_mappings (
  name        text        PRIMARY KEY,
  mapping     jsonb       NOT NULL,
  updated_by  text        NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One normalised line of a channel's file (src/reconciliation/parsers/settlement-line.ts).
-- match_class: which of our transactions it can match (payment ↔ capture, refund ↔ refund);
-- null for lines that are not reconciled against ours (fees, payouts, conversions…).
-- The file's FK is deferred: lines are copied in before the file row, which is inserted last so
-- that the duplicate check and the file's facts come from the whole stream.
CREATE TABLE recon_channel_lines (
  id                      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  file_id                 text        NOT NULL REFERENCES recon_files (id) DEFERRABLE INITIALLY DEFERRED,
  line_no                 integer     NOT NULL,
  entry                   text,
  channel                 text        NOT NULL,
  kind                    text        NOT NULL,
  match_class             text        CHECK (match_class IN ('payment', 'refund')),
  channel_transaction_id  text,
  merchant_order_id       text,
  merchant_reference      text,
  original_transaction_id text,
  transaction_time        text,
  post_date               date        NOT NULL,
  transaction_amount      bigint,
  transaction_currency    text,
  settlement_amount       bigint,
  settlement_currency     text,
  fx_rate                 numeric,
  -- The settlement amount the stated rate gives (exact, half-up), when the line is cross-currency.
  fx_expected_settlement  bigint,
  fee_acquirer            bigint,
  fee_interchange         bigint,
  fee_scheme              bigint,
  fee_other               bigint,
  fee_three_ds            bigint,
  net_amount              bigint,
  card_brand              text,
  payment_method          text,
  region                  text,
  status                  text,
  description             text,
  raw                     jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX recon_channel_lines_day ON recon_channel_lines (channel, post_date);

-- Our side: settled captures and refunds copied from the payments domain, or lines of an
-- imported order export. Amounts are signed like the channel's (refunds negative).
CREATE TABLE recon_our_transactions (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source           text        NOT NULL CHECK (source IN ('payments', 'file')),
  -- payments: the operation id (so a copy is taken once); file: the line number.
  source_ref       text        NOT NULL,
  file_id          text        REFERENCES recon_files (id) DEFERRABLE INITIALLY DEFERRED,
  channel          text        NOT NULL,
  kind             text        NOT NULL CHECK (kind IN ('capture', 'refund')),
  match_class      text        NOT NULL CHECK (match_class IN ('payment', 'refund')),
  payment_id       text,
  order_id         text,
  -- What the channel calls this transaction: a refund's own id, else the payment's.
  channel_ref      text,
  amount           bigint      NOT NULL,
  currency         text        NOT NULL,
  order_amount     bigint,
  order_status     text,
  fee_acquirer     bigint,
  fee_interchange  bigint,
  fee_scheme       bigint,
  fee_other        bigint,
  fee_three_ds     bigint,
  settled_at       timestamptz NOT NULL,
  post_date        date        NOT NULL
);
CREATE UNIQUE INDEX recon_our_transactions_copied ON recon_our_transactions (source_ref) WHERE source = 'payments';
CREATE INDEX recon_our_transactions_day ON recon_our_transactions (channel, post_date);

-- One reconciliation run of a channel and post date: a DBOS workflow (id = run id). Only one
-- runs per channel and day at a time: the partial unique index refuses a second.
CREATE TABLE recon_runs (
  id            text        PRIMARY KEY,
  channel       text        NOT NULL,
  post_date     date        NOT NULL,
  status        text        NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  requested_by  text        NOT NULL,
  -- The run's clock: its look-back is counted from this day.
  as_of         timestamptz NOT NULL,
  summary       jsonb       NOT NULL DEFAULT '{}',
  error         text,
  started_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz
);
CREATE UNIQUE INDEX recon_runs_one_at_a_time ON recon_runs (channel, post_date) WHERE status = 'running';
CREATE INDEX recon_runs_started ON recon_runs (started_at DESC, id DESC);

-- A match group: the channel lines and our transactions that answer for each other (1:1, N:1,
-- 1:N), or a lone member (expected, or missing on the other side). post_date is the channel
-- lines' (ours when there are none).
CREATE TABLE recon_match_groups (
  id                   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel              text        NOT NULL,
  post_date            date        NOT NULL,
  match_key            text        NOT NULL,
  matched_by           text        CHECK (matched_by IN ('channel_transaction_id', 'merchant_order_id')),
  status               text        NOT NULL CHECK (status IN ('matched', 'discrepant', 'expected')),
  reasons              text[]      NOT NULL DEFAULT '{}',
  channel_line_ids     bigint[]    NOT NULL,
  our_transaction_ids  bigint[]    NOT NULL,
  -- Days the group's first member waited for its counterpart (0 when matched at first sight).
  days_unmatched       integer     NOT NULL DEFAULT 0,
  expected_since       date,
  -- What was compared, side by side (kept for groups that are not simply matched).
  facts                jsonb,
  run_id               text        NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recon_match_groups_day ON recon_match_groups (channel, post_date, status);

-- Per channel and post date: what the day's lines and our matching transactions add up to.
CREATE TABLE recon_results (
  channel              text        NOT NULL,
  post_date            date        NOT NULL,
  settlement_currency  text,
  file_uploaded_at     timestamptz,
  line_count           integer     NOT NULL,
  matched_count        integer     NOT NULL,
  discrepant_count     integer     NOT NULL,
  expected_count       integer     NOT NULL,
  channel_totals       jsonb       NOT NULL,
  our_totals           jsonb       NOT NULL,
  result               text        NOT NULL CHECK (result IN ('balanced', 'pending', 'discrepancies')),
  run_id               text        NOT NULL,
  computed_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel, post_date)
);

-- A discrepancy and its handling. Keyed by what it is about (match_key) so that a re-run
-- updates it in place and an operator's handling is kept.
CREATE TABLE recon_discrepancies (
  id                   text        PRIMARY KEY,
  channel              text        NOT NULL,
  post_date            date        NOT NULL,
  match_key            text        NOT NULL,
  match_group_id       bigint,
  reasons              text[]      NOT NULL,
  -- The differing fields side by side: {field: {channel, ours, order}}.
  fields               jsonb       NOT NULL DEFAULT '{}',
  channel_line_ids     bigint[]    NOT NULL DEFAULT '{}',
  our_transaction_ids  bigint[]    NOT NULL DEFAULT '{}',
  currency             text,
  channel_amount       bigint,
  our_amount           bigint,
  state                text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_progress', 'resolved')),
  operator             text,
  system_reason        text        NOT NULL,
  operator_reason      text,
  first_run_id         text        NOT NULL,
  last_run_id          text        NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  state_changed_at     timestamptz NOT NULL DEFAULT now(),
  resolved_at          timestamptz,
  CONSTRAINT recon_discrepancies_one_per_key UNIQUE (channel, post_date, match_key)
);
CREATE INDEX recon_discrepancies_list ON recon_discrepancies (state, post_date, id);
CREATE INDEX recon_discrepancies_day ON recon_discrepancies (channel, post_date);
