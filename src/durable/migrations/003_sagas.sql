-- Saga instances (shop.md's checkout): state and data with an optimistic version, and the
-- deadline of the current state so timeouts survive a restart.
CREATE TABLE {{schema}}.saga_instances (
  saga        text NOT NULL,
  id          text NOT NULL,
  state       text NOT NULL,
  data        jsonb NOT NULL,
  version     integer NOT NULL,
  -- When the current state times out; NULL in a final state.
  timeout_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (saga, id)
);

CREATE INDEX saga_instances_timeout ON {{schema}}.saga_instances (timeout_at) WHERE timeout_at IS NOT NULL;
CREATE INDEX saga_instances_finished ON {{schema}}.saga_instances (finished_at) WHERE finished_at IS NOT NULL;
