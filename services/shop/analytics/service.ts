/**
 * shop/analytics — the sales dashboard (GET /api/analytics/dashboard): the checkout funnel
 * (started, completed, failed by step and reason, duration), revenue (OrderPaid minus
 * RefundProcessed, per currency), cart abandonment, the reservation-to-sale rate, low-stock
 * signals, and the catalog with each product's price history. One queue, a sink.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/analytics.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { analyticsRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const analytics = defineService<Config>({
  service: client.analyticsService,
  description: 'The sales dashboard: checkout funnel, revenue, cart abandonment, reservation-to-sale rate, low stock and price history.',
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
