/**
 * shop/inventory — stock levels and reservations.
 *
 * Reserving is synchronous (`POST /api/inventory/reserve`, called by checkout while the
 * customer waits) and idempotent on the checkout id; each reservation is still published as
 * StockReserved. The rest of the checkout arrives as messages on `inventory-service-queue`:
 * OrderCreated turns the reservation into a sale (StockConfirmed), the saga's `release.stock`
 * gives it back (StockReleased). Reservations not confirmed in time expire on their own.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/inventory.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { stockroom } from './domain.js';
import { handlers } from './handlers.js';
import { scheduleJobs } from './jobs.js';
import { inventoryRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const inventory = defineService<Config>({
  service: client.inventoryService,
  description: 'Stock levels and reservations: reserve over HTTP, confirm and release from the checkout events.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = inventoryRepository(kit.db);
    const steps = stockroom(kit, repo);
    registerRoutes(kit, repo, steps);
    scheduleJobs(kit, repo, steps);
    const received = handlers(kit, repo, steps);
    return { subscribe: (bus) => client.subscribeInventory(bus, received) };
  },
});
