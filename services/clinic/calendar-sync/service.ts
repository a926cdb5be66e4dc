/**
 * clinic/calendar-sync — keeps each doctor's calendar from the appointment events (one queue,
 * `apt.calendar-sync.queue`, so one appointment's events apply in order: a cancellation never
 * overtakes the creation it cancels) and publishes it as an iCalendar feed,
 * GET /doctors/:doctorId/calendar.ics, that Google Calendar or Microsoft 365 subscribe to.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/clinic/calendar-sync.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { calendarSyncRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const calendarSync = defineService<Config>({
  service: client.calendarSyncService,
  description: "Keeps each doctor's calendar from the appointment events and serves it as an iCalendar feed.",
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = calendarSyncRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeCalendarSync(bus, received) };
  },
});
