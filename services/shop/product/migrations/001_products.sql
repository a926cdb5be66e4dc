-- The product catalog. Every change here commits with its event in the outbox.
CREATE TABLE {{schema}}.products (
  sku          text PRIMARY KEY,
  name         text NOT NULL,
  description  text,
  category     text NOT NULL,
  price_amount numeric(19, 4) NOT NULL CHECK (price_amount >= 0),
  currency     char(3) NOT NULL,
  attributes   jsonb NOT NULL DEFAULT '{}',
  images       jsonb NOT NULL DEFAULT '[]',
  active       boolean NOT NULL DEFAULT true,
  deactivation jsonb,
  version      integer NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category ON {{schema}}.products (category) WHERE active;
