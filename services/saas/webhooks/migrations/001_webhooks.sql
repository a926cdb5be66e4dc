-- saas/webhooks: endpoints with their breaker, deliveries (one per event and endpoint) and their attempts.
-- Signing secrets are derived from the master key and the endpoint id: no column holds them.
CREATE TABLE {{schema}}.endpoints (
  id                uuid PRIMARY KEY,
  tenant_id         text NOT NULL,
  url               text NOT NULL,
  events            text[] NOT NULL,
  -- PEM of a private certificate authority the endpoint's TLS certificate chains to (optional).
  tls_ca            text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz,
  breaker_state     text NOT NULL DEFAULT 'closed' CHECK (breaker_state IN ('closed', 'open', 'half_open')),
  breaker_failures  integer NOT NULL DEFAULT 0,
  breaker_opened_at timestamptz,
  breaker_probe_at  timestamptz
);
CREATE INDEX endpoints_tenant ON {{schema}}.endpoints (tenant_id) WHERE deleted_at IS NULL;

CREATE TABLE {{schema}}.deliveries (
  id           uuid PRIMARY KEY,
  tenant_id    text NOT NULL,
  endpoint_id  uuid NOT NULL REFERENCES {{schema}}.endpoints (id),
  event_id     text NOT NULL,
  event_type   text NOT NULL,
  body         jsonb NOT NULL,
  status       text NOT NULL CHECK (status IN ('pending', 'deferred', 'delivered', 'dead_lettered', 'dropped')),
  attempts     integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX deliveries_endpoint ON {{schema}}.deliveries (endpoint_id, created_at);
CREATE INDEX deliveries_deferred ON {{schema}}.deliveries (endpoint_id, updated_at) WHERE status = 'deferred';

CREATE TABLE {{schema}}.attempts (
  delivery_id uuid NOT NULL REFERENCES {{schema}}.deliveries (id),
  n           integer NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  outcome     text NOT NULL CHECK (outcome IN ('delivered', 'unavailable', 'rejected', 'deferred')),
  http_status integer,
  error       text,
  duration_ms integer,
  breaker     text NOT NULL,
  PRIMARY KEY (delivery_id, n)
);
