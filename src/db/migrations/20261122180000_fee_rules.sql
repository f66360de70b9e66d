-- Fee rules (docs/fee-rules.md): what a channel should charge where its file does not say. Rules
-- are never deleted or edited in place: retiring one sets its effective_to, replacing one ends it
-- where the new one starts (replaced_by), so every fee computed can be explained by the rule that
-- was in force for its post date.
CREATE TABLE recon_fee_rules (
  id              text        PRIMARY KEY,
  channel         text        NOT NULL,
  effective_from  date        NOT NULL,
  effective_to    date        CHECK (effective_to IS NULL OR effective_to > effective_from),
  -- {card_brand, region, currency, payment_method, kind}: each one given must hold.
  match           jsonb       NOT NULL DEFAULT '{}',
  -- {acquirer|interchange|scheme|other|three_ds: formula}, amounts as strings of minor units.
  items           jsonb       NOT NULL,
  rounding        text        NOT NULL,
  note            text,
  replaces        text        REFERENCES recon_fee_rules (id),
  replaced_by     text        REFERENCES recon_fee_rules (id),
  created_by      text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  retired_by      text,
  retired_at      timestamptz
);
CREATE INDEX recon_fee_rules_channel ON recon_fee_rules (channel, effective_from);
-- A rule is replaced once: a second replacement of the same rule is refused here.
CREATE UNIQUE INDEX recon_fee_rules_replaced_once ON recon_fee_rules (replaces) WHERE replaces IS NOT NULL;

-- Which fee items (and the net) of a line were computed by a rule rather than stated, and by which
-- rule, so that the console and downloads can tell them apart and a re-run can recompute them.
ALTER TABLE recon_channel_lines ADD COLUMN fee_rule_id text, ADD COLUMN fees_computed text[] NOT NULL DEFAULT '{}';
ALTER TABLE recon_our_transactions ADD COLUMN fee_rule_id text, ADD COLUMN fees_computed text[] NOT NULL DEFAULT '{}';

-- The days a changed FX rate touches (lines of the pair on the day that state no rate of their own).
CREATE INDEX recon_channel_lines_daily_fx ON recon_channel_lines (post_date, transaction_currency, settlement_currency)
  WHERE fx_expected_settlement IS NULL AND settlement_currency <> transaction_currency;
