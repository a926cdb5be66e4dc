-- shop/email: every email the service rendered for an event, or why it sent none (schema shop_email).
-- The event id is the key, so a redelivered event never mails twice.
CREATE TABLE {{schema}}.emails (
  event_id     text PRIMARY KEY,
  template     text NOT NULL,
  status       text NOT NULL CHECK (status IN ('sent', 'skipped')),
  recipient    text,
  subject      text,
  body         text,
  skip_reason  text,
  order_id     bigint,
  checkout_id  uuid,
  cart_id      uuid,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX emails_order ON {{schema}}.emails (order_id);
CREATE INDEX emails_checkout ON {{schema}}.emails (checkout_id);
CREATE INDEX emails_recipient ON {{schema}}.emails (recipient);
