-- sales/approval: one approval task per quote that asked for one, and its decision.
CREATE TABLE {{schema}}.approvals (
  id             uuid PRIMARY KEY,
  quote_id       uuid NOT NULL UNIQUE,
  quote_number   text NOT NULL,
  customer_id    uuid NOT NULL,
  total          jsonb NOT NULL,
  max_discount_percent numeric,
  reasons        jsonb NOT NULL,
  required_level text NOT NULL,
  requested_by   jsonb NOT NULL,
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'rejected')),
  decided_by     jsonb,
  decided_level  text,
  comment        text,
  conditions     jsonb,
  reason         text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  decided_at     timestamptz
);
CREATE INDEX approvals_pending ON {{schema}}.approvals (created_at) WHERE status = 'pending';
