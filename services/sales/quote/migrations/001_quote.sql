-- sales/quote: quotes with their priced lines, their approval and stock state.
CREATE TABLE {{schema}}.quotes (
  id               uuid PRIMARY KEY,
  quote_number     text NOT NULL UNIQUE,
  customer_id      uuid NOT NULL,
  opportunity_id   uuid,
  source_email_id  uuid,
  lines            jsonb NOT NULL,
  subtotal         jsonb NOT NULL,
  discount_total   jsonb NOT NULL,
  total            jsonb NOT NULL,
  max_discount_percent numeric NOT NULL,
  valid_until      date NOT NULL,
  created_by       jsonb NOT NULL,
  -- approved: within the rep's authority or granted; pending_approval: waits for ApprovalGranted.
  status           text NOT NULL CHECK (status IN ('approved', 'pending_approval', 'rejected')),
  required_level   text,
  decision         jsonb,
  -- pending until inventory answers; reserved or short after.
  stock_status     text NOT NULL DEFAULT 'pending' CHECK (stock_status IN ('pending', 'reserved', 'short')),
  reservation_id   uuid,
  reservation_expires_at timestamptz,
  shortfall        jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quotes_by_customer ON {{schema}}.quotes (customer_id);

-- The yearly quote number sequence (Q-YYYY-NNNNNN).
CREATE TABLE {{schema}}.quote_numbers (
  year integer PRIMARY KEY,
  last integer NOT NULL
);
