-- Points rebate campaigns (docs/rewards.md): campaigns with immutable versions, their
-- stage → rate tables, the local copy of customers' card status and loyalty stage, the merchant
-- master, and the tables the grant half writes (grants, the points ledger, cap and budget
-- counters). Every change that the in-memory estimate snapshot must see is announced with
-- pg_notify('kessai_rewards', …) in the transaction that makes it (see src/rewards/snapshot/).

-- A campaign is its id and a pointer to its current version; everything else is in the versions,
-- which are never changed once written: a grant names the version it used, so what it was
-- computed from can always be shown.
CREATE TABLE reward_campaigns (
  id              text        PRIMARY KEY,
  current_version integer     NOT NULL CHECK (current_version >= 1),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reward_campaign_versions (
  campaign_id            text        NOT NULL REFERENCES reward_campaigns (id),
  version                integer     NOT NULL CHECK (version >= 1),
  name                   text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  starts_at              timestamptz NOT NULL,
  ends_at                timestamptz NOT NULL,
  paused                 boolean     NOT NULL DEFAULT false,
  -- User filter: the customer's card status is one of these (NULL: any, even unknown).
  card_statuses          smallint[],
  -- Payment filters; NULL means "no condition".
  marketplace            text        CHECK (marketplace IN ('inside', 'outside')),
  merchant_master_ids    text[],
  -- true: the listed masters are excluded; false: only they are eligible.
  merchant_ids_invert    boolean     NOT NULL DEFAULT false,
  payment_methods        text[],
  min_amount             bigint      CHECK (min_amount >= 0),
  min_amount_currency    text        CHECK (min_amount_currency ~ '^[A-Z]{3}$'),
  rounding               text        NOT NULL CHECK (rounding IN ('floor', 'half_up', 'half_even', 'ceiling')),
  -- Caps, in points: per customer per calendar month (in cap_timezone), and for the campaign.
  cap_per_customer_month bigint      CHECK (cap_per_customer_month > 0),
  cap_timezone           text        NOT NULL DEFAULT 'Asia/Tokyo',
  budget_points          bigint      CHECK (budget_points > 0),
  funding_party          text        NOT NULL CHECK (length(funding_party) BETWEEN 1 AND 64),
  created_at             timestamptz NOT NULL DEFAULT now(),
  created_by             text,
  PRIMARY KEY (campaign_id, version),
  CHECK (ends_at > starts_at),
  CHECK ((min_amount IS NULL) = (min_amount_currency IS NULL)),
  CHECK (merchant_master_ids IS NOT NULL OR NOT merchant_ids_invert)
);

-- Stage → rate: a customer at stage s earns the rate of the highest min_stage ≤ s. The rate is
-- a percentage of the amount in major units (1.0 = 1 %), exact.
CREATE TABLE reward_campaign_stage_rates (
  campaign_id  text         NOT NULL,
  version      integer      NOT NULL,
  min_stage    integer      NOT NULL CHECK (min_stage >= 0),
  rate_percent numeric(9,4) NOT NULL CHECK (rate_percent >= 0 AND rate_percent <= 100),
  PRIMARY KEY (campaign_id, version, min_stage),
  FOREIGN KEY (campaign_id, version) REFERENCES reward_campaign_versions (campaign_id, version)
);

ALTER TABLE reward_campaigns
  ADD CONSTRAINT reward_campaigns_current_version
  FOREIGN KEY (id, current_version) REFERENCES reward_campaign_versions (campaign_id, version) DEFERRABLE INITIALLY DEFERRED;

-- Versions and their rates are history: refuse any change to them.
CREATE FUNCTION kessai_reward_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'campaign versions are immutable: % on %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER reward_campaign_versions_immutable BEFORE UPDATE OR DELETE ON reward_campaign_versions
  FOR EACH ROW EXECUTE FUNCTION kessai_reward_versions_immutable();
CREATE TRIGGER reward_campaign_stage_rates_immutable BEFORE UPDATE OR DELETE ON reward_campaign_stage_rates
  FOR EACH ROW EXECUTE FUNCTION kessai_reward_versions_immutable();

-- The local copy of what other systems own: the card status (card system) and the loyalty
-- stage (loyalty service). Each attribute keeps the time its value was true at (`…_as_of`), so an
-- update older than the one already applied is ignored, whatever order they arrive in. `version`
-- counts applied changes; in-memory copies keep the highest version they have seen.
CREATE TABLE reward_customers (
  id                text        PRIMARY KEY,
  card_status       smallint    CHECK (card_status >= 0),
  card_status_as_of timestamptz,
  stage             integer     CHECK (stage >= 0),
  stage_as_of       timestamptz,
  version           bigint      NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((card_status IS NULL) = (card_status_as_of IS NULL)),
  CHECK ((stage IS NULL) = (stage_as_of IS NULL))
);

-- Merchant master: one master id for a merchant that is known under several merchant ids (one
-- per payment method: a wallet payment on our marketplace carries a card network's merchant id).
-- `marketplace` says whether the master is our own marketplace.
CREATE TABLE reward_merchant_masters (
  id          text        PRIMARY KEY,
  name        text        NOT NULL DEFAULT '',
  marketplace text        NOT NULL CHECK (marketplace IN ('inside', 'outside')),
  version     integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- (payment method, merchant id) → master, from effective_from (inclusive) to effective_to
-- (exclusive; NULL: open). A merchant id maps to at most one master at any moment.
CREATE TABLE reward_merchant_ids (
  master_id      text        NOT NULL REFERENCES reward_merchant_masters (id),
  payment_method text        NOT NULL,
  merchant_id    text        NOT NULL,
  effective_from timestamptz NOT NULL,
  effective_to   timestamptz,
  CHECK (effective_to IS NULL OR effective_to > effective_from),
  PRIMARY KEY (master_id, payment_method, merchant_id, effective_from),
  CONSTRAINT reward_merchant_ids_no_overlap EXCLUDE USING gist (
    payment_method WITH =, merchant_id WITH =, tstzrange(effective_from, effective_to, '[)') WITH &&
  )
);

-- The grant half (issue 5, grants) writes the rest.

-- Exactly one grant per (campaign, payment), however often the settlement event arrives.
CREATE TABLE reward_grants (
  id               text         PRIMARY KEY,
  campaign_id      text         NOT NULL,
  campaign_version integer      NOT NULL,
  payment_id       text         NOT NULL,
  customer_id      text         NOT NULL,
  amount           bigint       NOT NULL CHECK (amount >= 0),
  currency         text         NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  merchant_id      text,
  merchant_master_id text,
  payment_method   text,
  stage            integer,
  rate_percent     numeric(9,4) NOT NULL CHECK (rate_percent >= 0),
  -- Points before the caps, and what was granted within them (the remainder when a cap is crossed).
  points_computed  bigint       NOT NULL CHECK (points_computed >= 0),
  points           bigint       NOT NULL CHECK (points >= 0 AND points <= points_computed),
  points_reversed  bigint       NOT NULL DEFAULT 0 CHECK (points_reversed >= 0 AND points_reversed <= points),
  -- The calendar month (YYYY-MM, in the campaign's cap timezone) whose cap counted the points.
  cap_month        text         CHECK (cap_month ~ '^\d{4}-\d{2}$'),
  funding_party    text         NOT NULL,
  settled_at       timestamptz  NOT NULL,
  created_at       timestamptz  NOT NULL DEFAULT now(),
  updated_at       timestamptz  NOT NULL DEFAULT now(),
  CONSTRAINT reward_grants_once UNIQUE (campaign_id, payment_id),
  FOREIGN KEY (campaign_id, campaign_version) REFERENCES reward_campaign_versions (campaign_id, version)
);
CREATE INDEX reward_grants_customer ON reward_grants (customer_id, id);
CREATE INDEX reward_grants_payment ON reward_grants (payment_id);

-- The points ledger: every movement of a customer's points, always positive, its direction
-- given by `kind` (balance = granted − reversed − expired; `earned` is the provision for points
-- not granted yet). `reference` tells movements of one grant apart (a refund id for reversals)
-- and makes each of them happen once.
CREATE TABLE reward_ledger_entries (
  id            text        PRIMARY KEY,
  customer_id   text        NOT NULL,
  campaign_id   text        NOT NULL REFERENCES reward_campaigns (id),
  grant_id      text        REFERENCES reward_grants (id),
  kind          text        NOT NULL CHECK (kind IN ('earned', 'granted', 'reversed', 'expired')),
  points        bigint      NOT NULL CHECK (points > 0),
  funding_party text        NOT NULL,
  reference     text        NOT NULL DEFAULT '',
  occurred_at   timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT reward_ledger_entries_once UNIQUE (grant_id, kind, reference)
);
CREATE INDEX reward_ledger_entries_customer ON reward_ledger_entries (customer_id, id);
CREATE INDEX reward_ledger_entries_period ON reward_ledger_entries (occurred_at, campaign_id);

-- Points granted per customer per campaign per calendar month. The grant adds to `used_points`
-- and sets `cap_points` to its version's cap in the same UPDATE; the CHECK makes overshooting the
-- cap impossible, whatever the code and however many grants race.
CREATE TABLE reward_customer_month_usage (
  campaign_id text    NOT NULL REFERENCES reward_campaigns (id),
  customer_id text    NOT NULL,
  month       text    NOT NULL CHECK (month ~ '^\d{4}-\d{2}$'),
  cap_points  bigint  NOT NULL CHECK (cap_points > 0),
  used_points bigint  NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, customer_id, month),
  CONSTRAINT reward_customer_month_usage_within_cap CHECK (used_points >= 0 AND used_points <= cap_points)
);

-- A campaign's budget and what has been granted from it (NULL budget: none). Created with the
-- campaign; a new version with a different budget changes `budget_points` here, and can never
-- take it below what is already used.
CREATE TABLE reward_campaign_budgets (
  campaign_id   text   PRIMARY KEY REFERENCES reward_campaigns (id),
  budget_points bigint CHECK (budget_points > 0),
  used_points   bigint NOT NULL DEFAULT 0,
  CONSTRAINT reward_campaign_budgets_within_budget CHECK (used_points >= 0 AND (budget_points IS NULL OR used_points <= budget_points))
);
