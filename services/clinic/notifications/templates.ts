/**
 * What to tell whom for each appointment event (pure): the patient on their preferred channel
 * (SMS needs a phone number, else email), the doctor by email when the event names one.
 */
import type { AppointmentCancelled, AppointmentCreated, AppointmentRescheduled, AppointmentSlot, AppointmentType } from '../../../generated/types/clinic.js';

export type AppointmentEvent =
  | { readonly name: 'AppointmentCreated'; readonly payload: AppointmentCreated }
  | { readonly name: 'AppointmentRescheduled'; readonly payload: AppointmentRescheduled }
  | { readonly name: 'AppointmentCancelled'; readonly payload: AppointmentCancelled };

export interface NotificationDraft {
  readonly recipient: 'patient' | 'doctor';
  readonly channel: 'email' | 'sms';
  readonly address: string;
  /** `<event>.<recipient>`, e.g. `appointment-created.patient`. */
  readonly template: string;
  readonly subject?: string;
  readonly body: string;
}

const VISIT: Record<AppointmentType, string> = {
  consultation: 'consultation',
  follow_up: 'follow-up visit',
  procedure: 'procedure',
  vaccination: 'vaccination',
  telehealth: 'video consultation',
};

/** "Tuesday 10 March 2026, 15:00–15:30 (Europe/Madrid)" in the patient's locale and time zone. */
export function formatSlot(slot: AppointmentSlot, locale = 'en-GB'): string {
  const safeLocale = Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0 ? locale : 'en-GB';
  const day = new Intl.DateTimeFormat(safeLocale, { dateStyle: 'full', timeZone: slot.timezone }).format(new Date(slot.start));
  const time = new Intl.DateTimeFormat(safeLocale, { timeStyle: 'short', timeZone: slot.timezone });
  return `${day}, ${time.format(new Date(slot.start))}–${time.format(new Date(slot.end))} (${slot.timezone})`;
}

export function draftsFor(event: AppointmentEvent): NotificationDraft[] {
  const { payload } = event;
  const patient = payload.patient;
  const locale = patient.locale ?? 'en-GB';
  const visit = VISIT[payload.type];
  const doctorName = payload.doctor.fullName ?? 'your doctor';
  const when = formatSlot(payload.slot, locale);
  let kind: string;
  let patientText: string;
  let doctorText: string;
  switch (event.name) {
    case 'AppointmentCreated':
      kind = 'appointment-created';
      patientText = `Your ${visit} with ${doctorName} is booked for ${when}.`;
      doctorText = `New ${visit} booked with ${patient.fullName} for ${formatSlot(payload.slot)}.`;
      break;
    case 'AppointmentRescheduled':
      kind = 'appointment-rescheduled';
      patientText = `Your ${visit} with ${doctorName} has moved from ${formatSlot(event.payload.previousSlot, locale)} to ${when}.`;
      doctorText = `The ${visit} with ${patient.fullName} has moved to ${formatSlot(payload.slot)}.`;
      break;
    case 'AppointmentCancelled':
      kind = 'appointment-cancelled';
      patientText = `Your ${visit} with ${doctorName} on ${when} is cancelled.${event.payload.lateCancellation ? ' As this is less than 24 hours before the visit, a late-cancellation fee may apply.' : ''}`;
      doctorText = `The ${visit} with ${patient.fullName} on ${formatSlot(payload.slot)} is cancelled; the slot is free again.`;
      break;
  }
  const drafts: NotificationDraft[] = [];
  const sms = patient.preferredChannel === 'sms' && patient.phone !== undefined;
  drafts.push(
    sms
      ? { recipient: 'patient', channel: 'sms', address: patient.phone!, template: `${kind}.patient`, body: patientText }
      : { recipient: 'patient', channel: 'email', address: patient.email, template: `${kind}.patient`, subject: subjectOf(kind), body: `Dear ${patient.fullName},\n\n${patientText}\n` },
  );
  if (payload.doctor.email) {
    drafts.push({ recipient: 'doctor', channel: 'email', address: payload.doctor.email, template: `${kind}.doctor`, subject: subjectOf(kind), body: doctorText });
  }
  return drafts;
}

function subjectOf(kind: string): string {
  return kind === 'appointment-created' ? 'Appointment confirmed' : kind === 'appointment-rescheduled' ? 'Appointment moved' : 'Appointment cancelled';
}
