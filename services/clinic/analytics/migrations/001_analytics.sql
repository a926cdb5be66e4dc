-- clinic/analytics: one row per appointment event it counted (schema clinic_analytics; eventplane's
-- outbox and inbox live apart). Each event has its own queue and order does not matter, so the
-- metrics are aggregates over these facts, computed when read.
CREATE TABLE {{schema}}.booking_events (
  event_id        text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('created', 'rescheduled', 'cancelled')),
  appointment_id  uuid NOT NULL,
  doctor_id       uuid NOT NULL,
  visit_type      text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  slot_start      timestamptz NOT NULL,
  late            boolean NOT NULL DEFAULT false
);
CREATE INDEX booking_events_doctor ON {{schema}}.booking_events (doctor_id, visit_type);
