-- saas/analytics: per-tenant counters, (metric, key) → value; revenue per currency has cents.
CREATE TABLE {{schema}}.counters (
  tenant_id  text NOT NULL,
  metric     text NOT NULL,
  key        text NOT NULL,
  value      numeric(24, 4) NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, metric, key)
);
