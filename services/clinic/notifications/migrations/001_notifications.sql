-- Doctors' booked slots as this worker knows them from the appointment events. `as_of` is the
-- time of the event last applied to the appointment: an older event arriving late (after a
-- retry) never overwrites a newer one.
CREATE TABLE {{schema}}.booked_slots (
  appointment_id uuid PRIMARY KEY,
  doctor_id      uuid NOT NULL,
  slot_start     timestamptz NOT NULL,
  slot_end       timestamptz NOT NULL,
  status         text NOT NULL CHECK (status IN ('booked', 'cancelled')),
  as_of          timestamptz NOT NULL,
  event_id       text NOT NULL
);
CREATE INDEX booked_slots_doctor ON {{schema}}.booked_slots (doctor_id, slot_start) WHERE status = 'booked';

-- Notifications to send, written in the handler's transaction and sent afterwards by the
-- dispatcher: a crash between sending and marking resends with the same id, which the sender
-- passes on as the idempotency key.
CREATE TABLE {{schema}}.notifications (
  id              uuid PRIMARY KEY,
  event_id        text NOT NULL,
  appointment_id  uuid NOT NULL,
  recipient       text NOT NULL CHECK (recipient IN ('patient', 'doctor')),
  channel         text NOT NULL CHECK (channel IN ('email', 'sms')),
  address         text NOT NULL,
  template        text NOT NULL,
  subject         text,
  body            text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX notifications_pending ON {{schema}}.notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_appointment ON {{schema}}.notifications (appointment_id);

-- The compliance audit log: one entry per appointment event, keyed by the event id.
CREATE TABLE {{schema}}.audit_log (
  event_id       text PRIMARY KEY,
  event_type     text NOT NULL,
  appointment_id uuid NOT NULL,
  actor          text,
  source         text NOT NULL,
  correlation_id text,
  occurred_at    timestamptz NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  details        jsonb NOT NULL
);
CREATE INDEX audit_log_appointment ON {{schema}}.audit_log (appointment_id, occurred_at);
