-- saas/reports: the facts reports are computed from (recorded per tenant over the API) and the reports.
CREATE TABLE {{schema}}.facts (
  tenant_id  text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('usage', 'revenue', 'user_activity', 'audit_log')),
  day        date NOT NULL,
  dimensions jsonb NOT NULL DEFAULT '{}'::jsonb,
  value      numeric NOT NULL
);
CREATE INDEX facts_tenant_kind_day ON {{schema}}.facts (tenant_id, kind, day);

CREATE TABLE {{schema}}.reports (
  id           uuid PRIMARY KEY,
  tenant_id    text NOT NULL,
  type         text NOT NULL,
  format       text NOT NULL,
  period_from  date NOT NULL,
  period_to    date NOT NULL,
  filters      jsonb NOT NULL DEFAULT '{}'::jsonb,
  requested_by jsonb NOT NULL,
  status       text NOT NULL CHECK (status IN ('queued', 'ready')),
  content      text,
  size_bytes   integer,
  row_count    integer,
  download_url text,
  expires_at   timestamptz,
  requested_at timestamptz NOT NULL DEFAULT now(),
  ready_at     timestamptz
);
CREATE INDEX reports_tenant ON {{schema}}.reports (tenant_id, requested_at);
