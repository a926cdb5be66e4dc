-- Payments keyed by the saga's payment id: a redelivered process.payment finds its row and charges nobody twice.
CREATE TABLE {{schema}}.payments (
  payment_id   uuid PRIMARY KEY,
  checkout_id  uuid NOT NULL,
  customer_id  uuid NOT NULL,
  amount       numeric(19, 4) NOT NULL,
  currency     char(3) NOT NULL,
  status       text NOT NULL CHECK (status IN ('succeeded', 'failed')),
  failure      jsonb,
  method       jsonb,
  provider_ref text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_checkout ON {{schema}}.payments (checkout_id);

-- Refunds keyed by the saga's refund id.
CREATE TABLE {{schema}}.refunds (
  refund_id   uuid PRIMARY KEY,
  payment_id  uuid NOT NULL REFERENCES {{schema}}.payments (payment_id),
  checkout_id uuid,
  amount      numeric(19, 4) NOT NULL,
  currency    char(3) NOT NULL,
  reason      text NOT NULL,
  refund_ref  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_payment ON {{schema}}.refunds (payment_id);
