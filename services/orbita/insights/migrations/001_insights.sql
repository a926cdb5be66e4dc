-- orbita/insights: each user's week as the domain events built it (schema orbita_insights).
CREATE TABLE {{schema}}.weeks (
  user_id          uuid NOT NULL,
  week             text NOT NULL,
  tasks_completed  integer NOT NULL DEFAULT 0,
  on_time          integer NOT NULL DEFAULT 0,
  tracked          integer NOT NULL DEFAULT 0,
  estimate_minutes integer NOT NULL DEFAULT 0,
  actual_minutes   integer NOT NULL DEFAULT 0,
  blocks_missed    integer NOT NULL DEFAULT 0,
  habit_sessions   integer NOT NULL DEFAULT 0,
  habit_days       jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (user_id, week)
);
