-- saas/users: the accounts of each tenant. An email is unique within its tenant (case-insensitive).
CREATE TABLE {{schema}}.users (
  tenant_id     uuid NOT NULL,
  user_id       uuid PRIMARY KEY,
  email         text NOT NULL,
  full_name     text NOT NULL,
  role          text NOT NULL,
  locale        text,
  status        text NOT NULL DEFAULT 'active',
  signup_method text NOT NULL,
  invited_by    uuid,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_tenant_email ON {{schema}}.users (tenant_id, lower(email));
CREATE INDEX users_tenant ON {{schema}}.users (tenant_id, created_at);
