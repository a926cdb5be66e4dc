-- The appointments the clinic has booked. Events about them are written to the outbox in the
-- same transaction as every change here.
CREATE TABLE {{schema}}.appointments (
  id              uuid PRIMARY KEY,
  status          text NOT NULL CHECK (status IN ('booked', 'cancelled')),
  type            text NOT NULL,
  slot_start      timestamptz NOT NULL,
  slot_end        timestamptz NOT NULL,
  timezone        text NOT NULL,
  doctor_id       uuid NOT NULL,
  patient         jsonb NOT NULL,
  doctor          jsonb NOT NULL,
  location        jsonb,
  reason          text,
  booked_by       text NOT NULL,
  cancellation    jsonb,
  -- A client that retries POST /appointments with the same Idempotency-Key gets the first booking back.
  idempotency_key text UNIQUE,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (slot_end > slot_start)
);

CREATE INDEX appointments_doctor_slot ON {{schema}}.appointments (doctor_id, slot_start) WHERE status = 'booked';
