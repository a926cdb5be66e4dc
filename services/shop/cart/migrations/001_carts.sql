-- Shopping carts. Open carts follow the catalog (prices, deactivations) from events.
CREATE TABLE {{schema}}.carts (
  id               uuid PRIMARY KEY,
  customer_id      uuid NOT NULL,
  contact_email    text,
  currency         char(3) NOT NULL,
  status           text NOT NULL CHECK (status IN ('open', 'ordered', 'expired')),
  order_id         integer,
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX carts_open_activity ON {{schema}}.carts (last_activity_at) WHERE status = 'open';

CREATE TABLE {{schema}}.cart_lines (
  cart_id     uuid NOT NULL REFERENCES {{schema}}.carts (id) ON DELETE CASCADE,
  sku         text NOT NULL,
  name        text NOT NULL,
  quantity    integer NOT NULL CHECK (quantity BETWEEN 1 AND 999),
  unit_amount numeric(19, 4) NOT NULL,
  -- The product price event last applied to this line; older ones arriving late are ignored.
  priced_at   timestamptz NOT NULL,
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cart_id, sku)
);
CREATE INDEX cart_lines_sku ON {{schema}}.cart_lines (sku);
