-- The transactional outbox (orbita.md): a service writes its events here in the same
-- transaction as its own change; the relay publishes them with confirms and marks them.
CREATE TABLE {{schema}}.outbox (
  -- The message id (ce-id). It stays the same however often the row is published, so
  -- consumers' inboxes recognise a republish after a crash.
  id              text PRIMARY KEY,
  -- Order of commit within an aggregate: outbox.add serialises writers of one aggregate.
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  aggregate_type  text NOT NULL,
  aggregate_id    text NOT NULL,
  -- Relays lease partitions, never single rows: one relay at a time publishes a partition, in
  -- seq order, which keeps each aggregate's order with any number of relays.
  partition       smallint GENERATED ALWAYS AS ((hashtext(aggregate_type || '/' || aggregate_id) & 63)::smallint) STORED,
  -- ce-type: {system}.{MessageName}
  event_type      text NOT NULL,
  payload         jsonb NOT NULL,
  -- Publish options: correlation, causation, tenant, subject, trace context, application headers.
  headers         jsonb NOT NULL DEFAULT '{}',
  -- Where it goes: enough to rebuild the send descriptor when the service no longer has it.
  service         text NOT NULL,
  operation_id    text NOT NULL,
  system          text NOT NULL,
  vhost           text NOT NULL,
  exchange        text NOT NULL,
  exchange_type   text NOT NULL,
  routing_key     text NOT NULL,
  message_name    text NOT NULL,
  message_version text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz,
  -- After a failed publish: how often, why, and not before when.
  attempts        integer NOT NULL DEFAULT 0,
  retry_at        timestamptz,
  last_error      text
);

CREATE INDEX outbox_pending ON {{schema}}.outbox (partition, seq) WHERE published_at IS NULL;
CREATE INDEX outbox_pending_by_aggregate ON {{schema}}.outbox (aggregate_type, aggregate_id, seq) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON {{schema}}.outbox (published_at) WHERE published_at IS NOT NULL;

-- A relay leases partitions for one claim-publish-mark cycle (a lease, not a transaction held
-- open while publishing, so PGlite's single connection stays free). FOR UPDATE SKIP LOCKED
-- lets several relays claim at once without waiting on each other.
CREATE TABLE {{schema}}.outbox_partitions (
  partition     smallint PRIMARY KEY,
  claimed_by    text,
  claimed_until timestamptz
);
INSERT INTO {{schema}}.outbox_partitions (partition) SELECT generate_series(0, 63);

-- Wakes the relays at commit. Statement level, and PostgreSQL folds identical notifications
-- of one transaction into one, so a batch insert costs one notification.
CREATE FUNCTION {{schema}}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{{schema_name}}_outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER outbox_notify AFTER INSERT ON {{schema}}.outbox
  FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.outbox_notify();
