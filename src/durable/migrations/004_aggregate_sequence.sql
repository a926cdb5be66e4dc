-- Per-aggregate sequence numbers, so the relay may publish an aggregate's events without waiting
-- for each confirm and consumers still apply them in order (docs/ARCHITECTURE.md, "Durable state").
--
-- One row per aggregate this service ever wrote an event for: the last sequence number given out
-- and, per event type, the sequence number of its latest event. It is never deleted (published
-- outbox rows are): a sequence that restarted at 1 would look stale to every consumer.
CREATE TABLE {{schema}}.outbox_aggregates (
  aggregate_type text NOT NULL,
  aggregate_id   text NOT NULL,
  last_seq       bigint NOT NULL,
  -- event type -> seq of its latest event, after the last event.
  last_by_type   jsonb NOT NULL,
  -- the same before the last event: what that event's consumers must have applied first.
  prev_by_type   jsonb NOT NULL,
  PRIMARY KEY (aggregate_type, aggregate_id)
);

-- NULL on rows written before this migration: the relay publishes those one after another.
ALTER TABLE {{schema}}.outbox ADD COLUMN aggregate_seq bigint;
-- For each event type of the aggregate, the seq of its latest event before this one.
ALTER TABLE {{schema}}.outbox ADD COLUMN after_seq jsonb;

-- Rows waiting for a retry, by partition: the relay finds the aggregates they hold back in one
-- look (few rows), instead of looking at each pending row's predecessors.
CREATE INDEX outbox_retrying ON {{schema}}.outbox (partition, aggregate_type, aggregate_id, seq)
  WHERE published_at IS NULL AND retry_at IS NOT NULL;

-- The consumer side: per consumer and producer aggregate (stream), the highest sequence number
-- applied. Deleted with the inbox rows after the retention window of inactivity; a stream seen
-- again after that starts afresh (see the inbox).
CREATE TABLE {{schema}}.inbox_streams (
  consumer   text NOT NULL,
  stream     text NOT NULL,
  last_seq   bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, stream)
);

CREATE INDEX inbox_streams_updated_at ON {{schema}}.inbox_streams (updated_at);
