/**
 * clinic end to end: the appointments REST API and the notifications, calendar-sync and analytics
 * workers as real processes
 * on the test RabbitMQ node, each with its own broker user and PGlite database (the default).
 * Outcomes are read from the services' HTTP APIs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startE2eStack, type E2eStack } from './support/e2e.js';

let e2e: E2eStack;
let appointments: string;
let notifications: string;
let calendarSync: string;
let analytics: string;

beforeAll(async () => {
  e2e = await startE2eStack({ label: 'clinic', services: ['clinic/appointments', 'clinic/notifications', 'clinic/calendar-sync', 'clinic/analytics'], database: 'pglite' });
  appointments = e2e.url('clinic/appointments');
  notifications = e2e.url('clinic/notifications');
  calendarSync = e2e.url('clinic/calendar-sync');
  analytics = e2e.url('clinic/analytics');
});

afterAll(async () => {
  await e2e?.dispose();
});

const doctorId = randomUUID();

function booking(start: string, end: string) {
  return {
    type: 'consultation',
    slot: { start, end, timezone: 'Europe/Madrid' },
    patient: { patientId: randomUUID(), fullName: 'Lucía Fernández', email: 'lucia@example.com', phone: '+34600123456', preferredChannel: 'sms', locale: 'es-ES' },
    doctor: { doctorId, fullName: 'Dr. Marta Ruiz', email: 'marta.ruiz@clinic.example.com' },
    bookedBy: 'patient',
    reason: 'Knee pain',
  };
}

const availability = (from: string, to: string) => http(`GET`, `${notifications}/doctors/${doctorId}/availability?from=${from}&to=${to}`);

describe('clinic', () => {
  it('books an appointment over REST; the worker updates availability, notifies patient and doctor and audits, once', async () => {
    const created = await http('POST', `${appointments}/appointments`, booking('2031-03-10T14:00:00Z', '2031-03-10T14:30:00Z'));
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const slots = await eventually(
      () => availability('2031-03-10T08:00:00Z', '2031-03-10T18:00:00Z'),
      (r) => r.body.booked?.length === 1,
      { what: 'the booked slot in the availability' },
    );
    expect(slots.body.booked[0]).toEqual({ appointmentId: id, start: '2031-03-10T14:00:00.000Z', end: '2031-03-10T14:30:00.000Z' });
    expect(slots.body.free).toEqual([
      { start: '2031-03-10T08:00:00.000Z', end: '2031-03-10T14:00:00.000Z' },
      { start: '2031-03-10T14:30:00.000Z', end: '2031-03-10T18:00:00.000Z' },
    ]);

    const sent = await eventually(
      () => http('GET', `${notifications}/notifications?appointmentId=${id}`),
      (r) => r.body.length === 2 && r.body.every((n: { status: string }) => n.status === 'sent'),
      { what: 'two sent notifications' },
    );
    expect(sent.body.map((n: { recipient: string; channel: string }) => `${n.recipient}:${n.channel}`).sort()).toEqual(['doctor:email', 'patient:sms']);

    const audit = await http('GET', `${notifications}/audit?appointmentId=${id}`);
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0]).toMatchObject({ eventType: 'clinic.AppointmentCreated', actor: 'patient', source: 'clinic/appointments' });
    expect(JSON.stringify(audit.body[0])).not.toContain('lucia@example.com');
  });

  it('moves the slot on reschedule and frees it on cancel, with an audit entry for each', async () => {
    const created = await http('POST', `${appointments}/appointments`, booking('2031-04-01T09:00:00Z', '2031-04-01T09:30:00Z'));
    const id = created.body.id as string;
    await eventually(() => availability('2031-04-01T00:00:00Z', '2031-04-02T00:00:00Z'), (r) => r.body.booked?.length === 1, { what: 'the first slot' });

    const moved = await http('PATCH', `${appointments}/appointments/${id}`, { slot: { start: '2031-04-01T11:00:00Z', end: '2031-04-01T11:30:00Z', timezone: 'Europe/Madrid' }, rescheduledBy: 'doctor' });
    expect(moved.status).toBe(200);
    await eventually(
      () => availability('2031-04-01T00:00:00Z', '2031-04-02T00:00:00Z'),
      (r) => r.body.booked?.length === 1 && r.body.booked[0].start === '2031-04-01T11:00:00.000Z',
      { what: 'the moved slot' },
    );

    const cancelled = await http('DELETE', `${appointments}/appointments/${id}`, { cancelledBy: 'patient', reason: 'patient_request' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancellation: { lateCancellation: false } });
    await eventually(() => availability('2031-04-01T00:00:00Z', '2031-04-02T00:00:00Z'), (r) => r.body.booked?.length === 0, { what: 'the freed slot' });

    const audit = await eventually(() => http('GET', `${notifications}/audit?appointmentId=${id}`), (r) => r.body.length === 3, { what: 'three audit entries' });
    expect(audit.body.map((e: { eventType: string }) => e.eventType)).toEqual(['clinic.AppointmentCreated', 'clinic.AppointmentRescheduled', 'clinic.AppointmentCancelled']);
    // Cancelling again answers the first cancellation and publishes nothing more.
    expect((await http('DELETE', `${appointments}/appointments/${id}`)).body.version).toBe(cancelled.body.version);

    // calendar-sync applied the three events in order: the entry moved, then was cancelled, in the doctor's ICS feed.
    const calendar = await eventually(
      () => http('GET', `${calendarSync}/doctors/${doctorId}/calendar?from=2031-04-01T00:00:00Z&to=2031-04-02T00:00:00Z`),
      (r) => r.body.entries?.[0]?.status === 'cancelled',
      { what: 'the cancelled calendar entry' },
    );
    expect(calendar.body.entries).toMatchObject([{ appointmentId: id, start: '2031-04-01T11:00:00.000Z', status: 'cancelled', sequence: 2 }]);
    const ics = await fetch(`${calendarSync}/doctors/${doctorId}/calendar.ics`).then((r) => r.text());
    expect(ics).toMatch(new RegExp(`UID:${id}@clinic\\.eventplane\r\n(?:[^\r]*\r\n)*?DTSTART:20310401T110000Z\r\n(?:[^\r]*\r\n)*?STATUS:CANCELLED\r\n`));

    // analytics counted the booking, the reschedule and the cancellation (not late: weeks ahead).
    const metrics = await eventually(
      () => http('GET', `${analytics}/api/analytics/bookings?doctorId=${doctorId}`),
      (r) => r.body.total?.cancelled >= 1 && r.body.total?.rescheduled >= 1,
      { what: 'the booking metrics' },
    );
    expect(metrics.body.total).toMatchObject({ lateCancelled: 0, lateCancellationRate: 0 });
    expect(metrics.body.total.bookings).toBeGreaterThanOrEqual(2);
  });

  it('refuses invalid bookings with the field errors, and double bookings of a doctor with 409', async () => {
    const invalid = await http('POST', `${appointments}/appointments`, { ...booking('2031-05-01T09:00:00Z', '2031-05-01T08:00:00Z'), bookedBy: 'robot', extra: true });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'body/extra', message: 'is not allowed (unknown property)' },
        { field: 'body/bookedBy', message: 'must be one of "patient", "doctor", "staff"' },
      ]),
    );
    const backwards = await http('POST', `${appointments}/appointments`, booking('2031-05-01T09:00:00Z', '2031-05-01T08:00:00Z'));
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([{ field: 'body/slot/end', message: 'must be after start' }]);

    expect((await http('POST', `${appointments}/appointments`, booking('2031-05-02T09:00:00Z', '2031-05-02T09:30:00Z'))).status).toBe(201);
    const clash = await http('POST', `${appointments}/appointments`, booking('2031-05-02T09:15:00Z', '2031-05-02T09:45:00Z'));
    expect(clash.status).toBe(409);
  });

  it('serves its OpenAPI document, health, readiness and metrics', async () => {
    const openapi = await http('GET', `${appointments}/openapi.json`);
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/appointments', '/appointments/{id}']));
    expect((await http('GET', `${notifications}/healthz`)).status).toBe(200);
    const ready = await http('GET', `${notifications}/readyz`);
    expect(ready.body).toMatchObject({ status: 'ready', checks: { broker: { ok: true, transport: 'amqp', consumers: 1 }, database: { ok: true, kind: 'pglite' } } });
    const metrics = await fetch(`${notifications}/metrics`).then((r) => r.text());
    expect(metrics).toContain('clinic_notifications_sent_total');
    expect(metrics).toContain('http_request_duration_seconds');
  });

  it('connects each service as its own broker user, never the administrator', async () => {
    const connections = await eventually(
      () => e2e.management.connections(),
      (list) => list.filter((c) => c.vhost === `${e2e.namespace}clinic`).length >= 4,
      { what: 'the services’ connections in the management API' },
    );
    const users = new Set(connections.filter((c) => c.vhost === `${e2e.namespace}clinic`).map((c) => c.user));
    expect(users).toEqual(new Set(['appointments', 'notifications', 'calendar-sync', 'analytics'].map((name) => `${e2e.namespace}clinic-${name}`)));
  });

  it('stops gracefully on SIGTERM: consumers drained, outbox flushed, broker connection closed, exit code 0', async () => {
    const worker = e2e.stack.service('clinic/notifications');
    const exit = await worker.stop(20_000);
    expect(exit).toEqual({ code: 0, signal: null });
    const log = e2e.lines('clinic/notifications').join('\n');
    expect(log).toContain('"msg":"shutting down"');
    expect(log).toContain('"msg":"bus closed"');
    expect(log).toMatch(/"msg":"stopped"/);
  });
});
