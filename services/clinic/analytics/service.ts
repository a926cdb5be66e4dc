/**
 * clinic/analytics — booking metrics (bookings per doctor and visit type, lead time, reschedule,
 * cancellation and late-cancellation rates) from the appointment events, read over REST at
 * GET /api/analytics/bookings. Each event has its own queue and order does not matter: the
 * events are kept as facts and aggregated when read.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/clinic/analytics.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { analyticsRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const analytics = defineService<Config>({
  service: client.analyticsService,
  description: 'Booking metrics per doctor and visit type (lead time, reschedule and late-cancellation rates) from the appointment events.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = analyticsRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeAnalytics(bus, received) };
  },
});
