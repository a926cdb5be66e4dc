-- orbita/wellness: each user's daily wellness record, from completed habit sessions (schema orbita_wellness).
CREATE TABLE {{schema}}.days (
  user_id          uuid NOT NULL,
  day              text NOT NULL,
  activity_minutes integer NOT NULL DEFAULT 0,
  rest_minutes     integer NOT NULL DEFAULT 0,
  mind_minutes     integer NOT NULL DEFAULT 0,
  other_minutes    integer NOT NULL DEFAULT 0,
  sessions         integer NOT NULL DEFAULT 0,
  mood_sum         integer NOT NULL DEFAULT 0,
  mood_count       integer NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, day)
);
