-- The transactional inbox (shop.md's ProcessedEvents): one row per message a consumer has
-- handled, written in the handler's own transaction. Rows older than the retention window
-- (7 days by default) are deleted by housekeeping.
CREATE TABLE {{schema}}.inbox (
  consumer     text NOT NULL,
  message_id   text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, message_id)
);

CREATE INDEX inbox_processed_at ON {{schema}}.inbox (processed_at);
