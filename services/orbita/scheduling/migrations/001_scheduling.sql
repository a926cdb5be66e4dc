-- orbita/scheduling: blocks of time and what they are planned around (schema orbita_scheduling).
CREATE TABLE {{schema}}.blocks (
  id                uuid PRIMARY KEY,
  user_id           uuid NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('task', 'habit', 'meeting_prep', 'focus')),
  task_id           uuid,
  habit_id          uuid,
  meeting_series_id uuid,
  start_at          timestamptz NOT NULL,
  end_at            timestamptz NOT NULL CHECK (end_at > start_at),
  origin            text NOT NULL CHECK (origin IN ('auto', 'manual')),
  status            text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'started', 'cancelled', 'missed')),
  missed_count      integer,
  -- How many events the block has had: its history's last version.
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX blocks_by_user ON {{schema}}.blocks (user_id, start_at);
CREATE INDEX blocks_by_task ON {{schema}}.blocks (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX blocks_due ON {{schema}}.blocks (end_at) WHERE status = 'scheduled';

-- Every event a block had, in the order it was written (the producer's side of the order the
-- consumers must apply them in).
CREATE TABLE {{schema}}.block_history (
  block_id  uuid NOT NULL REFERENCES {{schema}}.blocks (id),
  version   integer NOT NULL,
  event     text NOT NULL,
  start_at  timestamptz NOT NULL,
  end_at    timestamptz NOT NULL,
  reason    text,
  at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (block_id, version)
);

-- Busy time in the user's external calendars (from CalendarEventChanged).
CREATE TABLE {{schema}}.busy (
  calendar_event_id text PRIMARY KEY,
  user_id           uuid NOT NULL,
  start_at          timestamptz NOT NULL,
  end_at            timestamptz NOT NULL
);
CREATE INDEX busy_by_user ON {{schema}}.busy (user_id, start_at);

-- Smart 1:1 series as scheduling knows them (from Smart1to1FrequencyChanged).
CREATE TABLE {{schema}}.series (
  id              uuid PRIMARY KEY,
  user_id         uuid NOT NULL,
  frequency       text NOT NULL,
  duration_minutes integer NOT NULL,
  prep_block_id   uuid,
  changes         integer NOT NULL DEFAULT 0,
  -- Changes whose previousFrequency was not the frequency known here: events applied out of order.
  chain_breaks    integer NOT NULL DEFAULT 0,
  frequencies     jsonb NOT NULL DEFAULT '[]'
);

-- Blocks of one task or habit missed in a row.
CREATE TABLE {{schema}}.miss_runs (
  target    text PRIMARY KEY,
  in_a_row  integer NOT NULL
);
