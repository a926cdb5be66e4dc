-- sales/po: customers' purchase orders against quotes, and the approval decisions heard for quotes.
CREATE TABLE {{schema}}.purchase_orders (
  id                  uuid PRIMARY KEY,
  po_number           text NOT NULL UNIQUE,
  customer_po_reference text,
  quote_id            uuid NOT NULL,
  quote_number        text NOT NULL,
  customer_id         uuid NOT NULL,
  lines               jsonb NOT NULL,
  total               jsonb NOT NULL,
  payment_terms       text NOT NULL,
  requested_delivery_date date,
  -- held: the quote waits for approval; created: PurchaseOrderCreated published; cancelled: the quote was rejected.
  status              text NOT NULL CHECK (status IN ('held', 'created', 'cancelled')),
  cancel_reason       text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX purchase_orders_by_quote ON {{schema}}.purchase_orders (quote_id);

-- ApprovalGranted / ApprovalRejected as they arrive: a PO entered after the decision but before
-- the quote service has applied it is still decided right.
CREATE TABLE {{schema}}.quote_decisions (
  quote_id   uuid PRIMARY KEY,
  decision   text NOT NULL CHECK (decision IN ('granted', 'rejected')),
  reason     text,
  decided_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.po_numbers (
  year integer PRIMARY KEY,
  last integer NOT NULL
);
