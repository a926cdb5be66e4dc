/**
 * clinic/calendar-sync's rules (pure): the calendar entry an appointment event leaves, and a
 * doctor's calendar as an iCalendar feed (RFC 5545) that Google Calendar, Microsoft 365 or any
 * calendar client can subscribe to. Entries name the visit type and room, never the patient:
 * a calendar feed travels further than the clinic's systems.
 */
import type { AppointmentCancelled, AppointmentCreated, AppointmentRescheduled } from '../../../generated/types/clinic.js';

export type AppointmentEvent =
  | { readonly name: 'AppointmentCreated'; readonly payload: AppointmentCreated }
  | { readonly name: 'AppointmentRescheduled'; readonly payload: AppointmentRescheduled }
  | { readonly name: 'AppointmentCancelled'; readonly payload: AppointmentCancelled };

export interface CalendarEntry {
  readonly appointmentId: string;
  readonly doctorId: string;
  readonly doctorName?: string | undefined;
  readonly visitType: string;
  readonly start: string;
  readonly end: string;
  readonly timezone: string;
  readonly room?: string | undefined;
  readonly status: 'confirmed' | 'cancelled';
  /** How many changes were applied after the creation (iCalendar SEQUENCE). */
  readonly sequence: number;
  /** When the last applied change happened. */
  readonly updatedAt: string;
}

/** The entry's state after `event` (the sequence is the store's to count). */
export function entryOf(event: AppointmentEvent): Omit<CalendarEntry, 'sequence' | 'updatedAt'> {
  const p = event.payload;
  return {
    appointmentId: p.appointmentId,
    doctorId: p.doctor.doctorId,
    doctorName: p.doctor.fullName,
    visitType: p.type,
    start: p.slot.start,
    end: p.slot.end,
    timezone: p.slot.timezone,
    room: event.name === 'AppointmentCreated' ? event.payload.location?.room : undefined,
    status: event.name === 'AppointmentCancelled' ? 'cancelled' : 'confirmed',
  };
}

const VISIT: Record<string, string> = {
  consultation: 'Consultation',
  follow_up: 'Follow-up visit',
  procedure: 'Procedure',
  vaccination: 'Vaccination',
  telehealth: 'Video consultation',
};

/** 2026-03-10T14:00:00.000Z → 20260310T140000Z */
export function icsTime(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** TEXT value escaping (RFC 5545 §3.3.11). */
export function icsText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    const limit = parts.length === 0 ? 75 : 74; // continuation lines start with a space
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** A doctor's calendar as text/calendar; cancelled entries stay, with STATUS:CANCELLED, so subscribers remove them. */
export function renderCalendar(doctorId: string, entries: readonly CalendarEntry[], now: Date): string {
  const name = entries.find((e) => e.doctorName)?.doctorName ?? `Doctor ${doctorId}`;
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//eventplane//clinic calendar-sync//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${icsText(`${name} — appointments`)}`];
  for (const entry of entries) {
    const summary = `${VISIT[entry.visitType] ?? entry.visitType}${entry.room ? ` (room ${entry.room})` : ''}`;
    lines.push(
      'BEGIN:VEVENT',
      `UID:${entry.appointmentId}@clinic.eventplane`,
      `DTSTAMP:${icsTime(now.toISOString())}`,
      `LAST-MODIFIED:${icsTime(entry.updatedAt)}`,
      `DTSTART:${icsTime(entry.start)}`,
      `DTEND:${icsTime(entry.end)}`,
      `SEQUENCE:${entry.sequence}`,
      `STATUS:${entry.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
      `SUMMARY:${icsText(summary)}`,
      `DESCRIPTION:${icsText(`Appointment ${entry.appointmentId}; shown in ${entry.timezone}`)}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
