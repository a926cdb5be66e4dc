/**
 * The REST API's JSON schemas. They are at least as strict as the event contract
 * (asyncapi/clinic/appointments.yaml), so a request that passes here always makes a valid event;
 * Fastify validates with them and @fastify/swagger turns them into the OpenAPI document.
 */
const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

export const appointmentType = { type: 'string', enum: ['consultation', 'follow_up', 'procedure', 'vaccination', 'telehealth'] } as const;
export const actor = { type: 'string', enum: ['patient', 'doctor', 'staff'] } as const;

export const slot = {
  type: 'object',
  additionalProperties: false,
  required: ['start', 'end', 'timezone'],
  description: 'A half-open interval [start, end) plus the time zone the patient sees times in.',
  properties: {
    start: dateTime,
    end: dateTime,
    timezone: { type: 'string', pattern: '^(UTC|[A-Z][A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$', maxLength: 64 },
  },
} as const;

export const patient = {
  type: 'object',
  additionalProperties: false,
  required: ['patientId', 'fullName', 'email', 'preferredChannel'],
  properties: {
    patientId: uuid,
    fullName: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: 'string', format: 'email', maxLength: 254 },
    phone: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164; required for SMS' },
    preferredChannel: { type: 'string', enum: ['email', 'sms'] },
    locale: { type: 'string', pattern: '^[a-z]{2,3}(-[A-Z]{2})?$' },
  },
} as const;

export const doctor = {
  type: 'object',
  additionalProperties: false,
  required: ['doctorId'],
  properties: {
    doctorId: uuid,
    fullName: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: 'string', format: 'email', maxLength: 254 },
  },
} as const;

export const location = {
  type: 'object',
  additionalProperties: false,
  required: ['clinicId'],
  properties: { clinicId: uuid, room: { type: 'string', maxLength: 20 } },
} as const;

export const createAppointmentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'slot', 'patient', 'doctor', 'bookedBy'],
  properties: {
    type: appointmentType,
    slot,
    patient,
    doctor,
    location,
    bookedBy: actor,
    reason: { type: 'string', maxLength: 500 },
  },
} as const;

export const updateAppointmentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['rescheduledBy'],
  minProperties: 2,
  description: 'Moves the appointment (a new slot and/or doctor) and/or changes its location or reason.',
  properties: {
    slot,
    doctor,
    location,
    reason: { type: 'string', maxLength: 500 },
    rescheduledBy: actor,
  },
} as const;

export const cancelAppointmentBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cancelledBy: { ...actor, default: 'patient' },
    reason: { type: 'string', enum: ['patient_request', 'doctor_unavailable', 'clinic_closure', 'duplicate', 'other'], default: 'patient_request' },
    note: { type: 'string', maxLength: 500 },
  },
} as const;

export const appointmentParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: uuid },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    doctorId: uuid,
    patientId: uuid,
    status: { type: 'string', enum: ['booked', 'cancelled'] },
    from: dateTime,
    to: dateTime,
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
} as const;

export const idempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, description: 'Repeat a POST safely: the same key returns the first booking.' },
  },
} as const;

export const appointment = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'status', 'type', 'slot', 'patient', 'doctor', 'bookedBy', 'version', 'createdAt', 'updatedAt'],
  properties: {
    id: uuid,
    status: { type: 'string', enum: ['booked', 'cancelled'] },
    type: appointmentType,
    slot,
    patient,
    doctor,
    location,
    reason: { type: 'string' },
    bookedBy: actor,
    cancellation: {
      type: 'object',
      additionalProperties: false,
      required: ['cancelledBy', 'reason', 'lateCancellation', 'cancelledAt'],
      properties: {
        cancelledBy: actor,
        reason: { type: 'string' },
        note: { type: 'string' },
        lateCancellation: { type: 'boolean' },
        cancelledAt: dateTime,
      },
    },
    version: { type: 'integer' },
    createdAt: dateTime,
    updatedAt: dateTime,
  },
} as const;
