-- Handling a discrepancy (docs/reconciliation.md#handling-a-discrepancy): every action an
-- operator takes is logged with its reason, and evidence files are kept (on disk by default,
-- behind a storage interface) with their hash.
CREATE TABLE recon_discrepancy_actions (
  id              bigserial   PRIMARY KEY,
  discrepancy_id  text        NOT NULL REFERENCES recon_discrepancies (id),
  action          text        NOT NULL CHECK (action IN ('start', 'resolve', 'reopen', 'note', 'evidence')),
  from_state      text        NOT NULL,
  to_state        text        NOT NULL,
  actor           text        NOT NULL,
  reason          text,
  details         jsonb       NOT NULL DEFAULT '{}',
  at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recon_discrepancy_actions_by_discrepancy ON recon_discrepancy_actions (discrepancy_id, id);

CREATE TABLE recon_discrepancy_evidence (
  id              text        PRIMARY KEY,
  discrepancy_id  text        NOT NULL REFERENCES recon_discrepancies (id),
  file_name       text        NOT NULL,
  content_type    text        NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
  size_bytes      integer     NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 20971520),
  sha256          text        NOT NULL,
  storage_key     text        NOT NULL,
  uploaded_by     text        NOT NULL,
  uploaded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recon_discrepancy_evidence_by_discrepancy ON recon_discrepancy_evidence (discrepancy_id, uploaded_at);
