/**
 * sales/analytics — sales figures from `analytics.queue`: stock held for quotes (StockReserved) and
 * revenue booked by purchase orders (PurchaseOrderCreated), summed per sku and currency.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/sales/analytics.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { analyticsRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const analytics = defineService<Config>({
  service: client.analyticsService,
  description: 'Stock held for quotes and revenue booked, from StockReserved and PurchaseOrderCreated.',
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
