-- Rewards, point expiry (docs/rewards.md#point-expiry): a campaign version may say how long the
-- points it grants last; each grant records when its points expire, and how many did.

-- Days the points of a grant last from the moment it is made (NULL: they never expire). A new
-- column on immutable versions: existing versions read NULL, as they never had expiry.
ALTER TABLE reward_campaign_versions
  ADD COLUMN points_expire_after_days integer CHECK (points_expire_after_days BETWEEN 1 AND 36500);

-- Fixed when the grant is made, from its version; the expiry job writes one `expired` ledger row
-- per grant (the ledger's unique key (grant, kind, reference)) and records the points here.
-- Reversals and expiry together never take more than the grant gave.
ALTER TABLE reward_grants
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN points_expired bigint NOT NULL DEFAULT 0 CHECK (points_expired >= 0),
  ADD CONSTRAINT reward_grants_reversed_and_expired_within_points CHECK (points_reversed + points_expired <= points);

-- What the expiry job looks for: grants whose time has come and that have not expired yet.
CREATE INDEX reward_grants_expiring ON reward_grants (expires_at, id) WHERE expires_at IS NOT NULL AND points_expired = 0;

-- The budget burn (per campaign and day) and the expiry job read the ledger by campaign and time.
CREATE INDEX reward_ledger_entries_grant_kind ON reward_ledger_entries (grant_id, kind);
