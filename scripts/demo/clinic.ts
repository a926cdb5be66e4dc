import { randomUUID } from 'node:crypto';
import { running, type SystemDemo } from './flow.js';
import { expectOk, httpJson, short, until } from './http.js';

/** An appointment booked over REST reaches the notifications worker: reminders sent, slot taken, audited. */
export const clinicDemo: SystemDemo = async ({ urls, step, send }) => {
  if (!running(urls, ['clinic/appointments', 'clinic/notifications'])) return;
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
    return `appointment ${short(booked.id)} booked over REST → doctor's slot taken (${availability.booked.length} booked), ${sent.length} notifications sent, ${audit.length} audit entry`;
  });
};
