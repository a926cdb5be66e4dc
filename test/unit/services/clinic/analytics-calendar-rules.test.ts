/** clinic/analytics' metrics and clinic/calendar-sync's iCalendar rendering (pure rules). */
import { describe, expect, it } from 'vitest';
import { metricsOf, rate } from '../../../../services/clinic/analytics/domain.js';
import { foldLine, icsText, icsTime, renderCalendar, type CalendarEntry } from '../../../../services/clinic/calendar-sync/domain.js';

describe('booking metrics', () => {
  it('has no rate without a denominator, and rounds rates to 4 decimals', () => {
    expect(rate(1, 0)).toBeNull();
    expect(rate(1, 3)).toBe(0.3333);
  });

  it('derives mean lead time and rates from the counts', () => {
    expect(metricsOf({ bookings: 4, rescheduled: 1, cancelled: 2, lateCancelled: 1, leadTimeHoursTotal: 100 })).toEqual({
      bookings: 4,
      rescheduled: 1,
      cancelled: 2,
      lateCancelled: 1,
      meanLeadTimeHours: 25,
      rescheduleRate: 0.25,
      cancellationRate: 0.5,
      lateCancellationRate: 0.5,
    });
    expect(metricsOf({ bookings: 0, rescheduled: 0, cancelled: 0, lateCancelled: 0, leadTimeHoursTotal: null })).toMatchObject({ meanLeadTimeHours: null, rescheduleRate: null, lateCancellationRate: null });
  });
});

describe('iCalendar feed', () => {
  const entry: CalendarEntry = {
    appointmentId: '0b6f3a52-2c1d-4e8f-9a7b-5c4d3e2f1a0b',
    doctorId: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
    doctorName: 'Dr. Marta Ruiz',
    visitType: 'follow_up',
    start: '2026-03-10T14:00:00.000Z',
    end: '2026-03-10T14:30:00.000Z',
    timezone: 'Europe/Madrid',
    room: '2B',
    status: 'cancelled',
    sequence: 3,
    updatedAt: '2026-03-09T10:00:00.000Z',
  };

  it('writes UTC times, escapes text and folds long lines at 75 octets without splitting a character', () => {
    expect(icsTime('2026-03-10T14:00:00.000Z')).toBe('20260310T140000Z');
    expect(icsText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const folded = foldLine(`SUMMARY:${'é'.repeat(60)}`);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.split('\r\n').map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(`SUMMARY:${'é'.repeat(60)}`);
  });

  it('renders one VEVENT per entry, with its sequence and status, CRLF-terminated', () => {
    const ics = renderCalendar(entry.doctorId, [entry], new Date('2026-03-09T12:00:00Z'));
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics).toContain('\r\nUID:0b6f3a52-2c1d-4e8f-9a7b-5c4d3e2f1a0b@clinic.eventplane\r\n');
    expect(ics).toContain('\r\nDTSTART:20260310T140000Z\r\nDTEND:20260310T143000Z\r\nSEQUENCE:3\r\nSTATUS:CANCELLED\r\n');
    expect(ics).toContain('SUMMARY:Follow-up visit (room 2B)');
    expect(ics).toContain('X-WR-CALNAME:Dr. Marta Ruiz — appointments');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
  });
});
