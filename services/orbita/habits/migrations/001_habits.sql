-- orbita/habits: habits, their streaks and sessions (schema orbita_habits).
CREATE TABLE {{schema}}.habits (
  id               uuid PRIMARY KEY,
  user_id          uuid NOT NULL,
  name             text NOT NULL,
  category         text NOT NULL,
  target_minutes   integer NOT NULL,
  streak_days      integer NOT NULL DEFAULT 0,
  best_streak      integer NOT NULL DEFAULT 0,
  last_session_day text,
  streak_state     text NOT NULL DEFAULT 'active' CHECK (streak_state IN ('active', 'at_risk', 'broken')),
  missed_slots     integer NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX habits_by_user ON {{schema}}.habits (user_id, created_at);

CREATE TABLE {{schema}}.sessions (
  id               uuid PRIMARY KEY,
  habit_id         uuid NOT NULL REFERENCES {{schema}}.habits (id),
  started_at       timestamptz NOT NULL,
  duration_minutes integer NOT NULL,
  mood             integer,
  note             text,
  streak_days      integer NOT NULL
);
CREATE INDEX sessions_by_habit ON {{schema}}.sessions (habit_id, started_at);
