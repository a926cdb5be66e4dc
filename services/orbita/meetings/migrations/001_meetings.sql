-- orbita/meetings: smart 1:1 series, their check-ins and frequency changes (schema orbita_meetings).
CREATE TABLE {{schema}}.series (
  id               uuid PRIMARY KEY,
  user_id          uuid NOT NULL,
  attendee_id      uuid NOT NULL,
  frequency        text NOT NULL CHECK (frequency IN ('weekly', 'biweekly', 'every_three_weeks', 'monthly')),
  duration_minutes integer NOT NULL,
  -- The series meets every `frequency` from here.
  anchor           timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.check_ins (
  series_id uuid NOT NULL REFERENCES {{schema}}.series (id),
  n         integer NOT NULL,
  health    integer NOT NULL CHECK (health BETWEEN 1 AND 5),
  at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (series_id, n)
);

CREATE TABLE {{schema}}.frequency_changes (
  series_id  uuid NOT NULL REFERENCES {{schema}}.series (id),
  n          integer NOT NULL,
  previous   text NOT NULL,
  frequency  text NOT NULL,
  changed_by text NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (series_id, n)
);
