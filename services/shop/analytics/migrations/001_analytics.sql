-- shop/analytics: the sales dashboard's facts (schema shop_analytics). Every row is keyed so a
-- redelivered event changes nothing; the dashboard aggregates them when read.

-- The catalog as last seen, and every price change.
CREATE TABLE {{schema}}.products (
  sku         text PRIMARY KEY,
  name        text NOT NULL,
  category    text NOT NULL,
  price       numeric(19, 4) NOT NULL,
  currency    text NOT NULL,
  active      boolean NOT NULL DEFAULT true,
  as_of       timestamptz NOT NULL
);
CREATE TABLE {{schema}}.price_changes (
  event_id    text PRIMARY KEY,
  sku         text NOT NULL,
  old_price   numeric(19, 4) NOT NULL,
  new_price   numeric(19, 4) NOT NULL,
  currency    text NOT NULL,
  reason      text,
  changed_at  timestamptz NOT NULL
);
CREATE INDEX price_changes_sku ON {{schema}}.price_changes (sku, changed_at);

-- The checkout funnel: one row per checkout, each event filling its own columns (order-free).
CREATE TABLE {{schema}}.checkouts (
  checkout_id   uuid PRIMARY KEY,
  started_at    timestamptz,
  completed_at  timestamptz,
  failed_at     timestamptz,
  duration_ms   integer,
  failed_step   text,
  failed_reason text
);

-- Money in (OrderPaid) and out (RefundProcessed).
CREATE TABLE {{schema}}.money_movements (
  event_id    text PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('paid', 'refunded')),
  amount      numeric(19, 4) NOT NULL,
  currency    text NOT NULL,
  at          timestamptz NOT NULL
);

-- Countable signals: carts expired or cleared, stock reserved, released or confirmed, low stock.
CREATE TABLE {{schema}}.signals (
  event_id    text PRIMARY KEY,
  kind        text NOT NULL,
  subject     text NOT NULL,
  quantity    integer,
  threshold   integer,
  at          timestamptz NOT NULL
);
CREATE INDEX signals_kind ON {{schema}}.signals (kind, subject);
