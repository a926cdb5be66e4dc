/** The appointment and the events it produces; pure functions, no I/O. */
import type {
  AppointmentCancelled,
  AppointmentCancelledReason,
  AppointmentCreated,
  AppointmentRescheduled,
  AppointmentSlot,
  AppointmentType,
  BookingActor,
  ClinicLocation,
  DoctorRef,
  PatientContact,
} from '../../../generated/types/clinic.js';

export interface Cancellation {
  readonly cancelledBy: BookingActor;
  readonly reason: AppointmentCancelledReason;
  readonly note?: string;
  readonly lateCancellation: boolean;
  readonly cancelledAt: string;
}

export interface Appointment {
  readonly id: string;
  readonly status: 'booked' | 'cancelled';
  readonly type: AppointmentType;
  readonly slot: AppointmentSlot;
  readonly patient: PatientContact;
  readonly doctor: DoctorRef;
  readonly location?: ClinicLocation;
  readonly reason?: string;
  readonly bookedBy: BookingActor;
  readonly cancellation?: Cancellation;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Cancelling less than this before the start is late (may incur a fee, clinic.md). */
export const LATE_CANCELLATION_MS = 24 * 60 * 60 * 1000;
/** No visit is longer than a working day: a longer slot is a typo. */
export const MAX_SLOT_MS = 12 * 60 * 60 * 1000;

/** Problems with a slot that a JSON schema cannot express; empty when it is fine. */
export function slotProblems(slot: AppointmentSlot, field = 'body/slot'): { field: string; message: string }[] {
  const start = Date.parse(slot.start);
  const end = Date.parse(slot.end);
  const problems: { field: string; message: string }[] = [];
  if (!(end > start)) problems.push({ field: `${field}/end`, message: 'must be after start' });
  else if (end - start > MAX_SLOT_MS) problems.push({ field: `${field}/end`, message: 'must be at most 12 hours after start' });
  if (!isTimeZone(slot.timezone)) problems.push({ field: `${field}/timezone`, message: `is not a known IANA time zone` });
  return problems;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function isLateCancellation(slot: AppointmentSlot, now: Date): boolean {
  return Date.parse(slot.start) - now.getTime() < LATE_CANCELLATION_MS;
}

/** Instants normalised to UTC with milliseconds, so equal slots compare equal as strings. */
export function normaliseSlot(slot: AppointmentSlot): AppointmentSlot {
  return { start: new Date(slot.start).toISOString(), end: new Date(slot.end).toISOString(), timezone: slot.timezone };
}

export function sameSlot(a: AppointmentSlot, b: AppointmentSlot): boolean {
  return Date.parse(a.start) === Date.parse(b.start) && Date.parse(a.end) === Date.parse(b.end) && a.timezone === b.timezone;
}

export function createdEvent(appointment: Appointment): AppointmentCreated {
  return {
    appointmentId: appointment.id,
    type: appointment.type,
    slot: appointment.slot,
    patient: appointment.patient,
    doctor: appointment.doctor,
    ...(appointment.location ? { location: appointment.location } : {}),
    bookedBy: appointment.bookedBy,
    ...(appointment.reason !== undefined ? { reason: appointment.reason } : {}),
  };
}

export function rescheduledEvent(before: Appointment, after: Appointment, by: BookingActor, reason?: string): AppointmentRescheduled {
  return {
    appointmentId: after.id,
    type: after.type,
    previousSlot: before.slot,
    slot: after.slot,
    patient: after.patient,
    doctor: after.doctor,
    ...(before.doctor.doctorId !== after.doctor.doctorId ? { previousDoctorId: before.doctor.doctorId } : {}),
    rescheduledBy: by,
    ...(reason !== undefined ? { reason } : {}),
  };
}

export function cancelledEvent(appointment: Appointment, cancellation: Cancellation): AppointmentCancelled {
  return {
    appointmentId: appointment.id,
    type: appointment.type,
    slot: appointment.slot,
    patient: appointment.patient,
    doctor: appointment.doctor,
    cancelledBy: cancellation.cancelledBy,
    reason: cancellation.reason,
    lateCancellation: cancellation.lateCancellation,
    ...(cancellation.note !== undefined ? { note: cancellation.note } : {}),
  };
}
