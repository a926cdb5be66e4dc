-- saas/email: the emails it sent, one per send.email command (the command's ce-id).
CREATE TABLE {{schema}}.sent_emails (
  command_id    text PRIMARY KEY,
  tenant_id     text,
  template      text NOT NULL,
  locale        text NOT NULL,
  recipients    text[] NOT NULL,
  subject       text NOT NULL,
  message_id    text NOT NULL,
  smtp_response text NOT NULL,
  attempts      integer NOT NULL,
  sent_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sent_emails_tenant ON {{schema}}.sent_emails (tenant_id, sent_at);
