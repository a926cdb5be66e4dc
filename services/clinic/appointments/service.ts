/**
 * clinic/appointments — the clinic's producer: a REST API that books, reschedules and cancels
 * appointments. Each change and its event (AppointmentCreated / Rescheduled / Cancelled) commit
 * in one transaction (table + outbox); the relay publishes the event to `appointments.ex`.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/clinic/appointments.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { AppointmentRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const appointments = defineService<Config>({
  service: client.appointmentsService,
  description: 'Books, reschedules and cancels clinic appointments; publishes each change as a domain event.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    registerRoutes(kit, new AppointmentRepository(kit.db.table('appointments')));
  },
});
