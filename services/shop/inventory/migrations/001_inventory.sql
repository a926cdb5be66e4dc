-- Stock per sku: on hand, and how much of it is held by open reservations.
CREATE TABLE {{schema}}.stock (
  sku              text PRIMARY KEY,
  warehouse_id     text NOT NULL DEFAULT 'LON-1',
  on_hand          integer NOT NULL CHECK (on_hand >= 0),
  reserved         integer NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
  low_threshold    integer NOT NULL DEFAULT 5 CHECK (low_threshold >= 1),
  reorder_quantity integer,
  -- LowStockAlert was published and stock has not recovered since: alert once per dip.
  low_alerted      boolean NOT NULL DEFAULT false,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One reservation per checkout (reserve is idempotent on the checkout id).
CREATE TABLE {{schema}}.reservations (
  id          uuid PRIMARY KEY,
  checkout_id uuid NOT NULL UNIQUE,
  customer_id uuid NOT NULL,
  status      text NOT NULL CHECK (status IN ('reserved', 'released', 'confirmed')),
  lines       jsonb NOT NULL,
  expires_at  timestamptz NOT NULL,
  order_id    integer,
  release_reason text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservations_expiring ON {{schema}}.reservations (expires_at) WHERE status = 'reserved';
