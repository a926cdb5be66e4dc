-- sales/pipeline: opportunities and how far each has come.
CREATE TABLE {{schema}}.opportunities (
  id              uuid PRIMARY KEY,
  customer_id     uuid,
  sender_domain   text,
  stage           text NOT NULL CHECK (stage IN ('lead', 'qualified', 'quoted', 'won')),
  source_email_id uuid,
  quote_id        uuid,
  quote_number    text,
  amount          jsonb,
  po_number       text,
  history         jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opportunities_open_by_domain ON {{schema}}.opportunities (sender_domain) WHERE stage <> 'won';
CREATE INDEX opportunities_by_quote ON {{schema}}.opportunities (quote_id);
