/** clinic/appointments' HTTP API: book, list, read, reschedule and cancel; each change publishes its event in the same transaction. */
import { randomUUID } from 'node:crypto';
import * as client from '../../../generated/clients/clinic/appointments.js';
import type { Transaction } from '../../../src/durable/index.js';
import { badRequest, conflict, notFound, type ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { cancelledEvent, createdEvent, isLateCancellation, normaliseSlot, rescheduledEvent, sameSlot, slotProblems, type Appointment } from './domain.js';
import type { AppointmentRepository } from './repository.js';
import {
  appointment as appointmentSchema,
  appointmentParams,
  cancelAppointmentBody,
  createAppointmentBody,
  idempotencyHeaders,
  listQuery,
  updateAppointmentBody,
} from './schemas.js';

const UNIQUE_VIOLATION = '23505';

export function registerRoutes(kit: ServiceKit<Config>, repo: AppointmentRepository): void {
  const { app, store } = kit;
  const events = (tx: Transaction) => client.createAppointmentsPublisher(kit.publisherIn(tx));
  const tags = ['appointments'];

  app.post(
    '/appointments',
    {
      schema: {
        tags,
        summary: 'Book an appointment',
        body: createAppointmentBody,
        headers: idempotencyHeaders,
        response: { 201: appointmentSchema, 200: appointmentSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const problems = slotProblems(body.slot);
      if (problems.length > 0) throw badRequest(problems.map((p) => `${p.field} ${p.message}`).join('; '), { errors: problems });
      const key = request.headers['idempotency-key'];
      const now = new Date().toISOString();
      const booked: Appointment = {
        id: randomUUID(),
        status: 'booked',
        type: body.type,
        slot: normaliseSlot(body.slot),
        patient: body.patient,
        doctor: body.doctor,
        ...(body.location ? { location: body.location } : {}),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        bookedBy: body.bookedBy,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      try {
        const result = await store.transaction(async (tx) => {
          if (key !== undefined) {
            const earlier = await repo.byIdempotencyKey(tx, key);
            if (earlier) return { appointment: earlier, created: false };
          }
          await repo.lockDoctor(tx, booked.doctor.doctorId);
          const clash = await repo.overlapping(tx, booked.doctor.doctorId, booked.slot.start, booked.slot.end);
          if (clash) throw conflict(`the doctor already has appointment ${clash} in that slot`, { conflictingAppointmentId: clash });
          await repo.insert(tx, booked, key);
          await events(tx).publishAppointmentCreated(createdEvent(booked), { subject: booked.id });
          return { appointment: booked, created: true };
        });
        return reply.code(result.created ? 201 : 200).send(result.appointment);
      } catch (error) {
        // Two requests with one Idempotency-Key raced: the loser answers with the winner's booking.
        if (key !== undefined && (error as { code?: string }).code === UNIQUE_VIOLATION) {
          const earlier = await repo.byIdempotencyKey(store, key);
          if (earlier) return reply.code(200).send(earlier);
        }
        throw error;
      }
    },
  );

  app.get('/appointments', { schema: { tags, summary: 'List appointments', querystring: listQuery, response: { 200: { type: 'array', items: appointmentSchema } } } }, async (request) => {
    const q = request.query;
    return repo.list(store, {
      limit: q.limit ?? 100,
      ...(q.doctorId ? { doctorId: q.doctorId } : {}),
      ...(q.patientId ? { patientId: q.patientId } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.from ? { from: q.from } : {}),
      ...(q.to ? { to: q.to } : {}),
    });
  });

  app.get('/appointments/:id', { schema: { tags, summary: 'Get an appointment', params: appointmentParams, response: { 200: appointmentSchema } } }, async (request) => {
    const found = await repo.get(store, request.params.id);
    if (!found) throw notFound(`no appointment ${request.params.id}`);
    return found;
  });

  app.patch(
    '/appointments/:id',
    {
      schema: {
        tags,
        summary: 'Reschedule (new slot and/or doctor) or amend an appointment',
        description: 'Publishes AppointmentRescheduled when the slot or the doctor changes.',
        params: appointmentParams,
        body: updateAppointmentBody,
        response: { 200: appointmentSchema },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.slot) {
        const problems = slotProblems(body.slot);
        if (problems.length > 0) throw badRequest(problems.map((p) => `${p.field} ${p.message}`).join('; '), { errors: problems });
      }
      return store.transaction(async (tx) => {
        const before = await repo.get(tx, request.params.id, true);
        if (!before) throw notFound(`no appointment ${request.params.id}`);
        if (before.status === 'cancelled') throw conflict(`appointment ${before.id} is cancelled`);
        const slot = body.slot ? normaliseSlot(body.slot) : before.slot;
        const doctor = body.doctor ?? before.doctor;
        const moved = !sameSlot(slot, before.slot) || doctor.doctorId !== before.doctor.doctorId;
        const after: Appointment = {
          ...before,
          slot,
          doctor,
          ...(body.location ? { location: body.location } : {}),
          ...(body.reason !== undefined ? { reason: body.reason } : {}),
          version: before.version + 1,
          updatedAt: new Date().toISOString(),
        };
        if (moved) {
          await repo.lockDoctor(tx, doctor.doctorId);
          const clash = await repo.overlapping(tx, doctor.doctorId, slot.start, slot.end, before.id);
          if (clash) throw conflict(`the doctor already has appointment ${clash} in that slot`, { conflictingAppointmentId: clash });
        }
        await repo.update(tx, after, before.version);
        if (moved) await events(tx).publishAppointmentRescheduled(rescheduledEvent(before, after, body.rescheduledBy, body.reason), { subject: after.id });
        return after;
      });
    },
  );

  app.delete(
    '/appointments/:id',
    {
      schema: {
        tags,
        summary: 'Cancel an appointment',
        description: 'Frees the slot and publishes AppointmentCancelled. Cancelling twice answers the first cancellation.',
        params: appointmentParams,
        body: cancelAppointmentBody,
        response: { 200: appointmentSchema },
      },
      // The body is optional (its fields have defaults): validate an absent one as {}.
      preValidation: async (request) => {
        (request as { body: unknown }).body ??= {};
      },
    },
    async (request) => {
      const body = request.body;
      return store.transaction(async (tx) => {
        const before = await repo.get(tx, request.params.id, true);
        if (!before) throw notFound(`no appointment ${request.params.id}`);
        if (before.status === 'cancelled') return before;
        const now = new Date();
        const cancellation = {
          cancelledBy: body.cancelledBy ?? 'patient',
          reason: body.reason ?? 'patient_request',
          ...(body.note !== undefined ? { note: body.note } : {}),
          lateCancellation: isLateCancellation(before.slot, now),
          cancelledAt: now.toISOString(),
        };
        const after: Appointment = { ...before, status: 'cancelled', cancellation, version: before.version + 1, updatedAt: now.toISOString() };
        await repo.update(tx, after, before.version);
        await events(tx).publishAppointmentCancelled(cancelledEvent(after, cancellation), { subject: after.id });
        return after;
      });
    },
  );
}
