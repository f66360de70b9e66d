-- Checkout runs, the orders they place, and the mails they send (docs/checkout.md). A run is a
-- DBOS workflow whose id is the run's id; these tables hold what the shop and the operators
-- query, the workflow's steps live in the dbos schema.

CREATE TABLE checkouts (
  id            text        PRIMARY KEY,
  cart_id       text        NOT NULL REFERENCES carts (id),
  -- 1 for a cart's first checkout, n for the n-th after n-1 runs that failed (and compensated).
  attempt       integer     NOT NULL CHECK (attempt >= 1),
  status        text        NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'needs_attention')),
  -- The customer, address and payment choice as sent, and its hash (a different request for a
  -- cart whose checkout is running is refused, the same request gets the same run).
  request       jsonb       NOT NULL,
  request_hash  text        NOT NULL,
  order_id      text        NOT NULL UNIQUE,
  currency      text        NOT NULL,
  payment_id    text,
  subtotal      bigint      CHECK (subtotal >= 0),
  shipping_fee  bigint      CHECK (shipping_fee >= 0),
  total         bigint      CHECK (total = subtotal + shipping_fee),
  failed_step   text,
  error         jsonb,
  -- Money was taken (the authorization succeeded): from here on a failure is never compensated.
  money_taken   boolean     NOT NULL DEFAULT false,
  reruns        integer     NOT NULL DEFAULT 0,
  -- When the run last came to need attention (the operators' queue is in this order).
  attention_since timestamptz,
  created_by    text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  UNIQUE (cart_id, attempt),
  -- After money is taken a run can end completed or needing attention, never compensated.
  CHECK (NOT (status = 'failed' AND money_taken))
);
-- One live run per cart: a double click or a retried request finds the run already there.
CREATE UNIQUE INDEX checkouts_cart_live ON checkouts (cart_id) WHERE status <> 'failed';
CREATE INDEX checkouts_needing_attention ON checkouts (attention_since, id) WHERE status = 'needs_attention';
CREATE INDEX checkouts_recent ON checkouts (created_at DESC, id DESC);

CREATE TABLE orders (
  id                   text        PRIMARY KEY,
  checkout_id          text        NOT NULL UNIQUE REFERENCES checkouts (id),
  cart_id              text        NOT NULL REFERENCES carts (id),
  status               text        NOT NULL CHECK (status IN ('placed')),
  customer             jsonb       NOT NULL,
  shipping_address     jsonb       NOT NULL,
  currency             text        NOT NULL,
  subtotal             bigint      NOT NULL CHECK (subtotal >= 0),
  shipping_fee         bigint      NOT NULL CHECK (shipping_fee >= 0),
  total                bigint      NOT NULL CHECK (total = subtotal + shipping_fee),
  payment_id           text,
  confirmation_sent_at timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_recent ON orders (created_at DESC, id DESC);

-- The lines as sold: a copy, so later price or catalog changes never rewrite an order.
CREATE TABLE order_lines (
  order_id     text    NOT NULL REFERENCES orders (id),
  sku          text    NOT NULL,
  name         text    NOT NULL,
  quantity     integer NOT NULL CHECK (quantity > 0),
  unit_price   bigint  NOT NULL CHECK (unit_price >= 0),
  amount       bigint  NOT NULL CHECK (amount = unit_price * quantity),
  weight_grams integer NOT NULL CHECK (weight_grams >= 0),
  PRIMARY KEY (order_id, sku)
);

CREATE TABLE order_history (
  id       bigserial   PRIMARY KEY,
  order_id text        NOT NULL REFERENCES orders (id),
  type     text        NOT NULL,
  data     jsonb       NOT NULL DEFAULT '{}',
  actor    text        NOT NULL,
  at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_history_order ON order_history (order_id, id);

-- Each mail an order sends, once per kind: a re-run finds it sent and sends nothing.
CREATE TABLE order_mails (
  id         text        PRIMARY KEY,
  order_id   text        NOT NULL REFERENCES orders (id),
  kind       text        NOT NULL CHECK (kind IN ('confirmation')),
  recipient  text        NOT NULL,
  subject    text        NOT NULL,
  message_id text        NOT NULL,
  transport  text        NOT NULL CHECK (transport IN ('smtp', 'file')),
  file_name  text,
  sent_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, kind)
);
