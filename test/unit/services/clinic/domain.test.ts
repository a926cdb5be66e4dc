import { describe, expect, it } from 'vitest';
import { isLateCancellation, rescheduledEvent, slotProblems, type Appointment } from '../../../../services/clinic/appointments/domain.js';
import { freeIntervals } from '../../../../services/clinic/notifications/availability.js';
import { draftsFor, formatSlot } from '../../../../services/clinic/notifications/templates.js';
import { nameBasedUuid } from '../../../../src/service-kit/ids.js';

const slot = { start: '2031-03-10T14:00:00Z', end: '2031-03-10T14:30:00Z', timezone: 'Europe/Madrid' };
const patient = { patientId: '5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170', fullName: 'Lucía', email: 'lucia@example.com', preferredChannel: 'sms' as const, locale: 'es-ES' };

describe('appointments', () => {
  it('checks what the schema cannot: order, length and time zone of a slot', () => {
    expect(slotProblems(slot)).toEqual([]);
    expect(slotProblems({ ...slot, end: slot.start })).toEqual([{ field: 'body/slot/end', message: 'must be after start' }]);
    expect(slotProblems({ ...slot, end: '2031-03-11T14:00:00Z' })).toEqual([{ field: 'body/slot/end', message: 'must be at most 12 hours after start' }]);
    expect(slotProblems({ ...slot, timezone: 'Mars/Olympus_Mons' })).toEqual([{ field: 'body/slot/timezone', message: 'is not a known IANA time zone' }]);
  });

  it('calls a cancellation late under 24 hours before the start', () => {
    expect(isLateCancellation(slot, new Date('2031-03-09T14:00:01Z'))).toBe(true);
    expect(isLateCancellation(slot, new Date('2031-03-09T13:59:59Z'))).toBe(false);
  });

  it('names the previous doctor when a reschedule changes doctor', () => {
    const before = { id: 'a', type: 'consultation', slot, patient, doctor: { doctorId: 'd1' }, bookedBy: 'patient' } as unknown as Appointment;
    const after = { ...before, doctor: { doctorId: 'd2' }, slot: { ...slot, start: '2031-03-11T14:00:00Z', end: '2031-03-11T14:30:00Z' } } as Appointment;
    expect(rescheduledEvent(before, after, 'doctor')).toMatchObject({ previousSlot: slot, previousDoctorId: 'd1', rescheduledBy: 'doctor' });
    expect(rescheduledEvent(before, { ...before, slot: after.slot }, 'doctor')).not.toHaveProperty('previousDoctorId');
  });
});

describe('notifications', () => {
  it('writes times in the patient locale and the clinic time zone', () => {
    // 14:00 UTC is 15:00 in Madrid; ICU versions differ on the comma after the weekday.
    expect(formatSlot(slot, 'en-GB')).toMatch(/^Monday,? 10 March 2031, 15:00–15:30 \(Europe\/Madrid\)$/);
    expect(formatSlot(slot, 'es-ES')).toContain('15:00–15:30');
  });

  it('notifies the patient by SMS when preferred and possible, else email, and the doctor when an address is known', () => {
    const created = { appointmentId: 'a', type: 'consultation' as const, slot, patient: { ...patient, phone: '+34600123456' }, doctor: { doctorId: 'd', email: 'dr@clinic.example.com' }, bookedBy: 'patient' as const };
    expect(draftsFor({ name: 'AppointmentCreated', payload: created }).map((d) => `${d.recipient}:${d.channel}:${d.template}`)).toEqual([
      'patient:sms:appointment-created.patient',
      'doctor:email:appointment-created.doctor',
    ]);
    const noPhone = { ...created, patient, doctor: { doctorId: 'd' } };
    expect(draftsFor({ name: 'AppointmentCreated', payload: noPhone }).map((d) => `${d.recipient}:${d.channel}`)).toEqual(['patient:email']);
  });

  it('mentions the fee on a late cancellation', () => {
    const cancelled = { appointmentId: 'a', type: 'consultation' as const, slot, patient, doctor: { doctorId: 'd' }, cancelledBy: 'patient' as const, reason: 'patient_request' as const, lateCancellation: true };
    expect(draftsFor({ name: 'AppointmentCancelled', payload: cancelled })[0]!.body).toContain('late-cancellation fee');
  });

  it('gives one event and recipient one notification id (v5 UUID)', () => {
    const id = nameBasedUuid('event-1', 'patient');
    expect(id).toBe(nameBasedUuid('event-1', 'patient'));
    expect(id).not.toBe(nameBasedUuid('event-1', 'doctor'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('finds the free time between booked slots', () => {
    const booked = [
      { start: '2031-03-10T10:00:00.000Z', end: '2031-03-10T10:30:00.000Z' },
      { start: '2031-03-10T10:15:00.000Z', end: '2031-03-10T11:00:00.000Z' },
      { start: '2031-03-10T07:00:00.000Z', end: '2031-03-10T08:30:00.000Z' },
    ];
    expect(freeIntervals('2031-03-10T08:00:00.000Z', '2031-03-10T12:00:00.000Z', booked)).toEqual([
      { start: '2031-03-10T08:30:00.000Z', end: '2031-03-10T10:00:00.000Z' },
      { start: '2031-03-10T11:00:00.000Z', end: '2031-03-10T12:00:00.000Z' },
    ]);
  });
});
