-- saas/notifications: the send.email commands it issued, one per (event, template), for the tenant to look up.
CREATE TABLE {{schema}}.sent_commands (
  command_id  uuid PRIMARY KEY,
  tenant_id   text,
  event_id    text NOT NULL,
  event_type  text NOT NULL,
  template    text NOT NULL,
  recipients  text[] NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sent_commands_tenant ON {{schema}}.sent_commands (tenant_id, created_at);
