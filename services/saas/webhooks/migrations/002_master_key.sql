-- The signing master key when WEBHOOKS_MASTER_KEY is not set (local stacks): made once, at the
-- first start, so endpoint secrets survive restarts. Production sets the variable instead.
CREATE TABLE {{schema}}.master_key (
  id  integer PRIMARY KEY CHECK (id = 1),
  key text NOT NULL
);
