/** clinic/calendar-sync's HTTP API: a doctor's calendar as JSON and as an iCalendar feed to subscribe to. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { renderCalendar } from './domain.js';
import type { CalendarSyncRepository } from './repository.js';

const tags = ['calendar'];
const params = { type: 'object', required: ['doctorId'], properties: { doctorId: { type: 'string', format: 'uuid' } } } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

export function registerRoutes(kit: ServiceKit<Config>, repo: CalendarSyncRepository): void {
  const { app, store } = kit;
  app.get(
    '/doctors/:doctorId/calendar',
    {
      schema: {
        tags,
        summary: "A doctor's calendar entries (cancelled ones included, with their status), by start",
        params,
        querystring: { type: 'object', additionalProperties: false, properties: { from: dateTime, to: dateTime } },
      },
    },
    async (request) => ({ doctorId: request.params.doctorId, entries: await repo.calendar(store, request.params.doctorId, request.query.from, request.query.to) }),
  );

  app.get(
    '/doctors/:doctorId/calendar.ics',
    { schema: { tags, summary: "A doctor's calendar as an iCalendar feed (text/calendar) for Google Calendar, Microsoft 365 or any calendar client", params } },
    async (request, reply) => {
      const entries = await repo.calendar(store, request.params.doctorId);
      return reply.type('text/calendar; charset=utf-8').header('content-disposition', `inline; filename="${request.params.doctorId}.ics"`).send(renderCalendar(request.params.doctorId, entries, new Date()));
    },
  );
}
