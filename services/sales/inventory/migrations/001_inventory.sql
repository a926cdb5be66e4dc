-- sales/inventory: stock per sku and the reservations quotes hold on it.
CREATE TABLE {{schema}}.stock (
  sku        text PRIMARY KEY,
  warehouse  text NOT NULL,
  on_hand    integer NOT NULL CHECK (on_hand >= 0),
  reserved   integer NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One per quote: reserved until released (quote rejected), expired (time ran out) or sold (PO).
-- A failed attempt is kept too, so a redelivered QuoteCreated is answered the same way.
CREATE TABLE {{schema}}.reservations (
  id          uuid PRIMARY KEY,
  quote_id    uuid NOT NULL UNIQUE,
  status      text NOT NULL CHECK (status IN ('reserved', 'released', 'expired', 'sold', 'failed')),
  lines       jsonb NOT NULL,
  shortfall   jsonb,
  expires_at  timestamptz NOT NULL,
  release_reason text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reservations_expiring ON {{schema}}.reservations (expires_at) WHERE status = 'reserved';
