-- Orders: one per checkout (create.order is deduplicated on the checkout id).
CREATE SEQUENCE {{schema}}.order_numbers START WITH 100001;

CREATE TABLE {{schema}}.orders (
  id               integer PRIMARY KEY DEFAULT nextval('{{schema}}.order_numbers'),
  checkout_id      uuid NOT NULL UNIQUE,
  customer_id      uuid NOT NULL,
  cart_id          uuid NOT NULL,
  reservation_id   uuid NOT NULL,
  payment_id       uuid NOT NULL,
  status           text NOT NULL CHECK (status IN ('paid', 'shipped', 'refunded')),
  lines            jsonb NOT NULL,
  total_amount     numeric(19, 4) NOT NULL,
  currency         char(3) NOT NULL,
  recipient_name   text NOT NULL,
  contact_email    text NOT NULL,
  shipping_address jsonb NOT NULL,
  shipment         jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer ON {{schema}}.orders (customer_id, created_at);

-- create.order commands refused, so a redelivered one is answered the same way without a second OrderFailed.
CREATE TABLE {{schema}}.rejections (
  checkout_id uuid PRIMARY KEY,
  reason      text NOT NULL,
  message     text,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.refunds (
  refund_id  uuid PRIMARY KEY,
  order_id   integer NOT NULL REFERENCES {{schema}}.orders (id),
  amount     numeric(19, 4) NOT NULL,
  currency   char(3) NOT NULL,
  reason     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
