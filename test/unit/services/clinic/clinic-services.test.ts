/**
 * clinic/appointments and clinic/notifications in this process on the in-memory transport: the
 * REST API's edge cases and the worker's idempotency. (Across real processes and RabbitMQ:
 * test/e2e/clinic.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as appointmentsClient from '../../../../generated/clients/clinic/appointments.js';
import { call, startInMemory, type InMemoryServices } from '../support/in-memory.js';

let clinic: InMemoryServices;
let api: string;
let worker: string;

beforeAll(async () => {
  clinic = await startInMemory(['clinic/appointments', 'clinic/notifications']);
  api = clinic.urls['clinic/appointments']!;
  worker = clinic.urls['clinic/notifications']!;
}, 120_000);
afterAll(async () => {
  await clinic?.stop();
});

const QUEUE = 'apt.notifications.queue';

function booking(startsInMs: number, doctorId = randomUUID()) {
  const start = new Date(Math.ceil((Date.now() + startsInMs) / 60_000) * 60_000);
  return {
    type: 'vaccination',
    slot: { start: start.toISOString(), end: new Date(start.getTime() + 15 * 60_000).toISOString(), timezone: 'UTC' },
    patient: { patientId: randomUUID(), fullName: 'Ana Silva', email: 'ana@example.com', preferredChannel: 'email' },
    doctor: { doctorId, fullName: 'Dr. Who' },
    bookedBy: 'staff',
  };
}

describe('appointments API', () => {
  it('answers a repeated POST with the same Idempotency-Key with the first booking, and publishes once', async () => {
    const body = booking(3 * 86_400_000);
    const first = await call('POST', `${api}/appointments`, body, { 'idempotency-key': 'booking-42' });
    const again = await call('POST', `${api}/appointments`, body, { 'idempotency-key': 'booking-42' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    // A later event of the same appointment: the relay keeps an aggregate's order, so once it is
    // on the queue, every earlier one is too.
    await call('DELETE', `${api}/appointments/${first.body.id}`);
    await clinic.waitFor(QUEUE, 'clinic.AppointmentCancelled', (e) => e.payload.appointmentId === first.body.id);
    const created = clinic.enqueued.filter((e) => e.queue === QUEUE && e.type === 'clinic.AppointmentCreated' && e.payload.appointmentId === first.body.id);
    expect(created).toHaveLength(1);
  });

  it('publishes nothing for an amendment that moves nothing, and AppointmentRescheduled for a move', async () => {
    const { body: booked } = await call('POST', `${api}/appointments`, booking(5 * 86_400_000));
    const amended = await call('PATCH', `${api}/appointments/${booked.id}`, { reason: 'Bring vaccination card', rescheduledBy: 'staff' });
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({ reason: 'Bring vaccination card', version: 2 });
    const later = new Date(Date.parse(booked.slot.start) + 3_600_000);
    const moved = await call('PATCH', `${api}/appointments/${booked.id}`, {
      slot: { start: later.toISOString(), end: new Date(later.getTime() + 900_000).toISOString(), timezone: 'UTC' },
      rescheduledBy: 'patient',
    });
    expect(moved.body.version).toBe(3);
    const [event] = await clinic.waitFor(QUEUE, 'clinic.AppointmentRescheduled', (e) => e.payload.appointmentId === booked.id);
    expect(event!.payload).toMatchObject({ previousSlot: { start: booked.slot.start }, slot: { start: later.toISOString() }, rescheduledBy: 'patient' });
    expect(clinic.enqueued.filter((e) => e.queue === QUEUE && e.payload.appointmentId === booked.id).map((e) => e.type)).toEqual(['clinic.AppointmentCreated', 'clinic.AppointmentRescheduled']);
  });

  it('marks a cancellation less than 24 h ahead as late, and refuses to move a cancelled appointment', async () => {
    const { body: booked } = await call('POST', `${api}/appointments`, booking(2 * 3_600_000));
    const cancelled = await call('DELETE', `${api}/appointments/${booked.id}`, { cancelledBy: 'patient', reason: 'other', note: 'Feeling better' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancellation: { lateCancellation: true, reason: 'other', note: 'Feeling better' } });
    const move = await call('PATCH', `${api}/appointments/${booked.id}`, { reason: 'x', rescheduledBy: 'staff' });
    expect(move.status).toBe(409);
    expect(move.body).toMatchObject({ title: 'Conflict', detail: `appointment ${booked.id} is cancelled` });
  });

  it('answers unknown ids and routes with problem documents', async () => {
    expect((await call('GET', `${api}/appointments/${randomUUID()}`)).status).toBe(404);
    expect((await call('GET', `${api}/appointments/not-a-uuid`)).body.errors).toEqual([{ field: 'params/id', message: 'must match format "uuid"' }]);
    expect((await call('GET', `${api}/nowhere`)).body).toMatchObject({ status: 404, detail: 'no route GET /nowhere' });
  });
});

describe('notifications worker', () => {
  it('handles a redelivered event once: one audit entry, one notification per recipient', async () => {
    const appointmentId = randomUUID();
    const payload = {
      appointmentId,
      type: 'consultation' as const,
      slot: { start: '2031-09-01T09:00:00Z', end: '2031-09-01T09:30:00Z', timezone: 'UTC' },
      patient: { patientId: randomUUID(), fullName: 'Ana Silva', email: 'ana@example.com', preferredChannel: 'email' as const },
      doctor: { doctorId: randomUUID(), email: 'doctor@clinic.example.com' },
      bookedBy: 'patient' as const,
    };
    const bus = clinic.services.get('clinic/appointments')!.bus;
    const messageId = randomUUID();
    // The same message twice, as the broker redelivers it after a lost ack.
    await bus.publish(appointmentsClient.publishAppointmentCreatedSend, payload, { messageId, subject: appointmentId });
    await bus.publish(appointmentsClient.publishAppointmentCreatedSend, payload, { messageId, subject: appointmentId });

    const deadline = Date.now() + 10_000;
    let sent: Array<{ status: string }> = [];
    while (Date.now() < deadline) {
      sent = (await call('GET', `${worker}/notifications?appointmentId=${appointmentId}`)).body;
      const metrics = await fetch(`${worker}/metrics`).then((r) => r.text());
      if (sent.length === 2 && sent.every((n) => n.status === 'sent') && /eventplane_duplicates_total\{[^}]*type="clinic.AppointmentCreated"[^}]*\} 1/.test(metrics)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sent).toHaveLength(2);
    expect((await call('GET', `${worker}/audit?appointmentId=${appointmentId}`)).body).toHaveLength(1);
    expect((await call('GET', `${worker}/doctors/${payload.doctor.doctorId}/availability`)).body.booked).toHaveLength(1);
  });

  it('reports ready with its consumer and database', async () => {
    const ready = await call('GET', `${worker}/readyz`);
    expect(ready).toEqual({
      status: 200,
      body: { status: 'ready', checks: { broker: { ok: true, transport: 'memory', consumers: 1, pendingConfirms: 0 }, database: { ok: true, kind: 'pglite' } } },
    });
  });
});

describe('readiness', () => {
  it('answers 503 on /readyz, naming the broker, once its bus is gone', async () => {
    await clinic.services.get('clinic/appointments')!.bus.close();
    const ready = await call('GET', `${api}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not ready', checks: { broker: { ok: false, error: 'transport memory is closed; consumers: none' }, database: { ok: true } } });
    expect((await call('GET', `${api}/healthz`)).status).toBe(200);
  });
});
