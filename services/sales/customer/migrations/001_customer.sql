-- sales/customer: customers, each one's email timeline, and leads (senders no customer matched).
CREATE TABLE {{schema}}.customers (
  id         uuid PRIMARY KEY,
  name       text NOT NULL,
  domain     text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.timeline (
  email_id    uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES {{schema}}.customers (id),
  subject     text NOT NULL,
  category    text NOT NULL,
  priority    integer NOT NULL,
  band        text NOT NULL,
  language    text NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX timeline_by_customer ON {{schema}}.timeline (customer_id, received_at DESC);

CREATE TABLE {{schema}}.leads (
  domain        text PRIMARY KEY,
  address       text NOT NULL,
  display_name  text,
  first_email_id uuid NOT NULL,
  last_email_id uuid NOT NULL,
  emails        integer NOT NULL DEFAULT 1,
  top_category  text NOT NULL,
  best_priority integer NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
