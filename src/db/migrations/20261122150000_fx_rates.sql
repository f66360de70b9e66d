-- Daily FX rates per currency pair (docs/reconciliation.md#fx-rates): loaded from CSV files or
-- an HTTP source, and overridden by hand. A manual rate wins over a loaded one for its day and
-- pair; both are kept, so an override can be explained and taken back.
CREATE TABLE fx_rates (
  rate_date date        NOT NULL,
  base      text        NOT NULL CHECK (base ~ '^[A-Z]{3}$'),
  quote     text        NOT NULL CHECK (quote ~ '^[A-Z]{3}$' AND quote <> base),
  -- Units of `quote` for one unit of `base`, exact.
  rate      numeric     NOT NULL CHECK (rate > 0),
  source    text        NOT NULL CHECK (source IN ('file', 'http', 'manual')),
  note      text,
  loaded_by text        NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rate_date, base, quote, source)
);

CREATE VIEW fx_rates_effective AS
SELECT DISTINCT ON (rate_date, base, quote) rate_date, base, quote, rate, source, note, loaded_by, loaded_at
  FROM fx_rates
 ORDER BY rate_date, base, quote, (source = 'manual') DESC, loaded_at DESC;
