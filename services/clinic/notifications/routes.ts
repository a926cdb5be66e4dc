/** clinic/notifications' HTTP API (read side): a doctor's availability, an appointment's notifications and audit log. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { freeIntervals } from './availability.js';
import type { Config } from './config.js';
import type { NotificationsRepository } from './repository.js';

const uuid = { type: 'string', format: 'uuid' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: NotificationsRepository): void {
  const { app, store } = kit;
  app.get(
    '/doctors/:doctorId/availability',
    {
      schema: {
        tags: ['availability'],
        summary: "A doctor's booked slots, and the free intervals between `from` and `to` when both are given",
        params: { type: 'object', required: ['doctorId'], properties: { doctorId: uuid } },
        querystring: { type: 'object', additionalProperties: false, properties: { from: dateTime, to: dateTime } },
      },
    },
    async (request) => {
      const { doctorId } = request.params;
      const { from, to } = request.query;
      const booked = await repo.bookedSlots(store, doctorId, from, to);
      return { doctorId, booked, ...(from && to ? { free: freeIntervals(from, to, booked) } : {}) };
    },
  );

  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Notifications queued or sent for an appointment',
        querystring: { type: 'object', required: ['appointmentId'], additionalProperties: false, properties: { appointmentId: uuid } },
      },
    },
    async (request) => {
      return repo.notificationsOf(store, request.query.appointmentId);
    },
  );

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit log of an appointment, oldest first',
        querystring: { type: 'object', required: ['appointmentId'], additionalProperties: false, properties: { appointmentId: uuid } },
      },
    },
    async (request) => {
      return repo.auditOf(store, request.query.appointmentId);
    },
  );
}
