import { randomUUID } from 'node:crypto';
import { running, type SystemDemo } from './flow.js';
import { expectOk, httpJson, short, until } from './http.js';

/** An appointment booked over REST reaches the workers: reminders sent, slot taken, audited, on the doctor's calendar feed, counted. */
export const clinicDemo: SystemDemo = async ({ urls, step, send }) => {
  if (!running(urls, ['clinic/appointments', 'clinic/notifications', 'clinic/calendar-sync', 'clinic/analytics'])) return;
  await step('clinic', 'clinic-booking', async () => {
    const start = new Date(Date.now() + 24 * 3600_000);
    start.setUTCHours(9, 0, 0, 0);
    const end = new Date(start.getTime() + 30 * 60_000);
    const booked = await expectOk(
      'book an appointment',
      send('POST', `${urls['clinic/appointments']}/appointments`, {
        type: 'consultation',
        slot: { start: start.toISOString(), end: end.toISOString(), timezone: 'Europe/Madrid' },
        patient: { patientId: randomUUID(), fullName: 'Lucía Fernández', email: 'lucia.fernandez@example.com', preferredChannel: 'email', locale: 'es-ES' },
        doctor: { doctorId: randomUUID(), fullName: 'Dr. Marta Ruiz', email: 'marta.ruiz@clinic.example.com' },
        bookedBy: 'patient',
        reason: 'Persistent knee pain after running',
      }),
    );
    const worker = urls['clinic/notifications'];
    const sent = await until(
      'notifications',
      () => expectOk('notifications', httpJson('GET', `${worker}/notifications?appointmentId=${booked.id}`)),
      (list: Array<{ status: string }>) => list.length > 0 && list.every((n) => n.status === 'sent'),
    );
    const availability = await expectOk('availability', httpJson('GET', `${worker}/doctors/${booked.doctor.doctorId}/availability`));
    const audit = await expectOk('audit', httpJson('GET', `${worker}/audit?appointmentId=${booked.id}`));
    const feed = `${urls['clinic/calendar-sync']}/doctors/${booked.doctor.doctorId}/calendar.ics`;
    await until(
      "the doctor's calendar feed",
      () => fetch(feed, { signal: AbortSignal.timeout(15_000) }).then((r) => r.text()),
      (ics) => ics.includes(`UID:${booked.id}@`),
    );
    const metrics = await until(
      'the booking metrics',
      () => expectOk('booking metrics', httpJson('GET', `${urls['clinic/analytics']}/api/analytics/bookings?doctorId=${booked.doctor.doctorId}`)),
      (m: { total: { bookings: number; meanLeadTimeHours: number | null } }) => m.total.bookings === 1,
    );
    return `appointment ${short(booked.id)} booked over REST → doctor's slot taken (${availability.booked.length} booked), ${sent.length} notifications sent, ${audit.length} audit entry, on the calendar feed ${feed}, counted (lead time ${metrics.total.meanLeadTimeHours} h)`;
  });
};
