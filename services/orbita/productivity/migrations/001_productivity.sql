-- orbita/productivity: tasks (schema orbita_productivity; eventplane's outbox and inbox live apart).
CREATE TABLE {{schema}}.tasks (
  id                uuid PRIMARY KEY,
  user_id           uuid NOT NULL,
  title             text NOT NULL,
  project_id        uuid,
  priority          text NOT NULL CHECK (priority IN ('p1', 'p2', 'p3', 'p4')),
  estimate_minutes  integer NOT NULL,
  due_at            timestamptz,
  labels            jsonb NOT NULL DEFAULT '[]',
  auto_schedule     boolean NOT NULL,
  status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  actual_minutes    integer,
  completed_at      timestamptz,
  completed_on_time boolean,
  -- From BlockMissed: focus blocks missed in total, in a row, and the risk that follows.
  missed_blocks     integer NOT NULL DEFAULT 0,
  missed_in_a_row   integer NOT NULL DEFAULT 0,
  risk              text NOT NULL DEFAULT 'on_track' CHECK (risk IN ('on_track', 'slipping', 'at_risk')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_by_user ON {{schema}}.tasks (user_id, created_at);
