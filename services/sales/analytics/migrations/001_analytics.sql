-- sales/analytics: one row per fact (keyed by its aggregate, so a redelivery counts once).
CREATE TABLE {{schema}}.stock_held (
  reservation_id uuid PRIMARY KEY,
  quote_id       uuid NOT NULL,
  sku            text[] NOT NULL,
  units          integer NOT NULL,
  lines          jsonb NOT NULL,
  reserved_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.bookings (
  po_id       uuid PRIMARY KEY,
  po_number   text NOT NULL,
  customer_id uuid NOT NULL,
  currency    text NOT NULL,
  amount      numeric(20, 4) NOT NULL,
  booked_at   timestamptz NOT NULL DEFAULT now()
);
