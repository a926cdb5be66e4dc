/**
 * saas/analytics — product analytics per tenant: signups by method and role, churn (deleted
 * users) by reason, payments, failure rate and revenue per plan and currency, counted from the
 * user and payment events (each in its own queue, once per event) and read over REST.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/saas/analytics.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { analyticsRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const analytics = defineService<Config>({
  service: client.analyticsService,
  description: 'Per-tenant product analytics (signups, churn, payments, failure rate, revenue) from the saas events.',
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
