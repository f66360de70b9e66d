-- Amount corrections on a discrepancy (docs/reconciliation.md#amount-corrections): an operator
-- records what a side's amount or fee item should have been, with a reason and evidence already
-- attached to the discrepancy. Every correction is kept (before and after); the discrepancy
-- carries the latest per side and field in `corrected`, which a re-run leaves alone.
ALTER TABLE recon_discrepancy_actions DROP CONSTRAINT recon_discrepancy_actions_action_check;
ALTER TABLE recon_discrepancy_actions ADD CONSTRAINT recon_discrepancy_actions_action_check
  CHECK (action IN ('start', 'resolve', 'reopen', 'note', 'evidence', 'correct'));

ALTER TABLE recon_discrepancies ADD COLUMN corrected jsonb NOT NULL DEFAULT '{}';

CREATE TABLE recon_discrepancy_corrections (
  id               text        PRIMARY KEY,
  discrepancy_id   text        NOT NULL REFERENCES recon_discrepancies (id),
  -- 1, 2, 3… per discrepancy: two corrections never share a place in its history.
  seq              integer     NOT NULL CHECK (seq > 0),
  side             text        NOT NULL CHECK (side IN ('channel', 'ours')),
  field            text        NOT NULL CHECK (field IN ('amount', 'acquirer', 'interchange', 'scheme', 'other', 'three_ds')),
  before_amount    bigint,
  before_currency  text,
  amount           bigint      NOT NULL,
  currency         text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason           text        NOT NULL CHECK (length(btrim(reason)) > 0),
  evidence_ids     text[]      NOT NULL CHECK (cardinality(evidence_ids) > 0),
  actor            text        NOT NULL,
  at               timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT recon_discrepancy_corrections_seq UNIQUE (discrepancy_id, seq)
);
