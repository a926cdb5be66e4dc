-- saas/billing: one row per charge attempt; an invoice (INV-YYYY-NNNNNN) is paid by its last successful attempt.
CREATE TABLE {{schema}}.payments (
  payment_id      uuid PRIMARY KEY,
  tenant_id       uuid NOT NULL,
  invoice_id      text NOT NULL,
  plan            text NOT NULL,
  amount          numeric(19, 4) NOT NULL,
  currency        char(3) NOT NULL,
  period_from     date NOT NULL,
  period_to       date NOT NULL,
  billing_email   text NOT NULL,
  method          jsonb NOT NULL,
  status          text NOT NULL CHECK (status IN ('succeeded', 'failed')),
  attempt         integer NOT NULL,
  failure_code    text,
  failure_message text,
  next_attempt_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (invoice_id, attempt)
);
CREATE INDEX payments_tenant ON {{schema}}.payments (tenant_id, created_at);
-- At most one successful payment per invoice.
CREATE UNIQUE INDEX payments_invoice_paid ON {{schema}}.payments (invoice_id) WHERE status = 'succeeded';
CREATE SEQUENCE {{schema}}.invoice_counter;
