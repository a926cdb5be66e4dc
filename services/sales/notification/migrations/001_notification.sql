-- sales/notification: every notification the events turned into (one per event and recipient).
CREATE TABLE {{schema}}.notifications (
  id         uuid PRIMARY KEY,
  event_id   text NOT NULL,
  event_type text NOT NULL,
  recipient  text NOT NULL,
  about      uuid NOT NULL,
  subject    text NOT NULL,
  text       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_about ON {{schema}}.notifications (about, created_at);
