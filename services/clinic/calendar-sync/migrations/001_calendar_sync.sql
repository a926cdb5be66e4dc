-- clinic/calendar-sync: each doctor's calendar, one entry per appointment (schema clinic_calendar_sync).
-- `sequence` counts the changes applied (the iCalendar SEQUENCE a subscribed calendar uses to
-- replace its copy); `as_of` is the time of the last applied event, so an older one never wins.
CREATE TABLE {{schema}}.calendar_entries (
  appointment_id  uuid PRIMARY KEY,
  doctor_id       uuid NOT NULL,
  doctor_name     text,
  visit_type      text NOT NULL,
  slot_start      timestamptz NOT NULL,
  slot_end        timestamptz NOT NULL,
  timezone        text NOT NULL,
  room            text,
  status          text NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
  sequence        integer NOT NULL DEFAULT 0,
  as_of           timestamptz NOT NULL,
  event_id        text NOT NULL
);
CREATE INDEX calendar_entries_doctor ON {{schema}}.calendar_entries (doctor_id, slot_start);
