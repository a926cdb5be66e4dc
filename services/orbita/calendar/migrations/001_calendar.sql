-- orbita/calendar: the mirror of orbita's blocks and the provider events synced (schema orbita_calendar).
CREATE TABLE {{schema}}.entries (
  block_id   uuid PRIMARY KEY,
  user_id    uuid NOT NULL,
  kind       text NOT NULL,
  start_at   timestamptz NOT NULL,
  end_at     timestamptz NOT NULL,
  status     text NOT NULL CHECK (status IN ('active', 'removed')),
  applied    integer NOT NULL DEFAULT 0,
  anomalies  integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entries_by_user ON {{schema}}.entries (user_id, start_at);

-- Each block event in the order the mirror applied it, with the producer's sequence number.
CREATE TABLE {{schema}}.applied_events (
  block_id  uuid NOT NULL,
  n         integer NOT NULL,
  event     text NOT NULL,
  seq       integer,
  start_at  timestamptz NOT NULL,
  end_at    timestamptz NOT NULL,
  anomaly   text,
  PRIMARY KEY (block_id, n)
);

-- Provider events as last synced.
CREATE TABLE {{schema}}.external_events (
  calendar_event_id text PRIMARY KEY,
  calendar_id       uuid NOT NULL,
  user_id           uuid NOT NULL,
  provider          text NOT NULL,
  start_at          timestamptz,
  end_at            timestamptz,
  busy              boolean NOT NULL,
  all_day           boolean NOT NULL,
  deleted           boolean NOT NULL DEFAULT false,
  updated_at        timestamptz NOT NULL DEFAULT now()
);
