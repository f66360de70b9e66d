-- Catalog essentials for the checkout: products and their stock, shipping-fee rules, carts, and
-- stock reservations (docs/catalog.md). A product's units are in exactly one of three counters:
-- available (may be reserved), reserved (held by an open reservation) and sold (committed).
-- Every move between them is one UPDATE under the product's row lock, and the CHECKs below
-- make overselling impossible whatever the code does.

CREATE TABLE products (
  sku             text        PRIMARY KEY CHECK (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  name            text        NOT NULL,
  price           bigint      NOT NULL CHECK (price >= 0),
  currency        text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  weight_grams    integer     NOT NULL CHECK (weight_grams >= 0),
  stock_available integer     NOT NULL CHECK (stock_available >= 0),
  stock_reserved  integer     NOT NULL DEFAULT 0 CHECK (stock_reserved >= 0),
  stock_sold      bigint      NOT NULL DEFAULT 0 CHECK (stock_sold >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- One active rule per region and currency; a new rule for the same pair supersedes the old one,
-- which stays (superseded_at, superseded_by) so past fees can be explained.
CREATE TABLE shipping_rules (
  id                      text        PRIMARY KEY,
  region                  text        NOT NULL,
  currency                text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  free_shipping_threshold bigint      CHECK (free_shipping_threshold >= 0),
  description             text        NOT NULL DEFAULT '',
  created_at              timestamptz NOT NULL DEFAULT now(),
  superseded_at           timestamptz,
  superseded_by           text
);
CREATE UNIQUE INDEX shipping_rules_active ON shipping_rules (region, currency) WHERE superseded_at IS NULL;

-- Weight bands of a rule, in order: band n covers weights above band n-1's limit up to its own
-- `up_to_grams` (inclusive); only the last band may have no limit.
CREATE TABLE shipping_rule_bands (
  rule_id     text     NOT NULL REFERENCES shipping_rules (id),
  position    smallint NOT NULL CHECK (position >= 0),
  up_to_grams integer  CHECK (up_to_grams > 0),
  fee         bigint   NOT NULL CHECK (fee >= 0),
  PRIMARY KEY (rule_id, position)
);

CREATE TABLE carts (
  id                 text        PRIMARY KEY,
  currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  region             text,
  customer_reference text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  -- Soft-deleted (by a completed checkout, or the shop): kept for history, never changed again.
  deleted_at         timestamptz
);
CREATE INDEX carts_customer ON carts (customer_reference, id) WHERE customer_reference IS NOT NULL;

CREATE TABLE cart_lines (
  cart_id    text        NOT NULL REFERENCES carts (id),
  sku        text        NOT NULL REFERENCES products (sku),
  quantity   integer     NOT NULL CHECK (quantity > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cart_id, sku)
);

-- A reservation holds every line of a cart, or does not exist: it is written in the same
-- transaction that moves the units from available to reserved. Its lines are a copy of the
-- cart's at that moment, so releasing or committing it never depends on the cart afterwards.
-- A process that dies between reserving and committing leaves a `reserved` row that the
-- checkout (or an operator) finds by its id and then commits or releases.
CREATE TABLE stock_reservations (
  id           text        PRIMARY KEY,
  cart_id      text        NOT NULL REFERENCES carts (id),
  status       text        NOT NULL CHECK (status IN ('reserved', 'released', 'committed')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  released_at  timestamptz,
  committed_at timestamptz
);
-- A cart has at most one open reservation: a second checkout of the same cart cannot hold its stock twice.
CREATE UNIQUE INDEX stock_reservations_cart_open ON stock_reservations (cart_id) WHERE status = 'reserved';
CREATE INDEX stock_reservations_open ON stock_reservations (created_at) WHERE status = 'reserved';

CREATE TABLE stock_reservation_lines (
  reservation_id text    NOT NULL REFERENCES stock_reservations (id),
  sku            text    NOT NULL REFERENCES products (sku),
  quantity       integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (reservation_id, sku)
);
