/**
 * orbita/calendar — syncs users' external calendars both ways: provider changes become
 * CalendarEventChanged (subject: the calendar event id); orbita's blocks are mirrored from
 * BlockScheduled/Rescheduled/Cancelled, each block's events applied in order, and never reported
 * back (no feedback loop).
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/orbita/calendar.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { calendarRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const calendar = defineService<Config>({
  service: client.calendarService,
  description: "External calendars both ways: provider changes out, orbita's blocks mirrored in.",
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = calendarRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeCalendar(bus, received) };
  },
});
