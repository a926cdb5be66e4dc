-- sales/email: every email the inboxes received and how it was classified.
CREATE TABLE {{schema}}.emails (
  id            uuid PRIMARY KEY,
  -- The email's own Message-ID when the inbox gave one: receiving it twice classifies it once.
  message_id    text UNIQUE,
  mailbox       text NOT NULL,
  from_address  text NOT NULL,
  from_name     text,
  subject       text NOT NULL,
  body          text NOT NULL,
  customer_id   uuid,
  received_at   timestamptz NOT NULL,
  category      text NOT NULL,
  classifications jsonb NOT NULL,
  priority_score integer NOT NULL,
  priority_band text NOT NULL,
  language      text NOT NULL,
  model_version text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX emails_recent ON {{schema}}.emails (received_at DESC);
