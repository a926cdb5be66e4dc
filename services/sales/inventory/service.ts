/**
 * sales/inventory — stock for quotes. QuoteCreated reserves the quoted quantities (StockReserved) or
 * reports the shortfall (StockReservationFailed); ApprovalRejected releases them; PurchaseOrderCreated
 * sells them; a reservation nobody ordered expires (RESERVATION_TTL, checked every EXPIRY_SWEEP_MS).
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/sales/inventory.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { scheduleJobs } from './jobs.js';
import { inventoryRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const inventory = defineService<Config>({
  service: client.inventoryService,
  description: 'Stock reservations for quotes: reserved on QuoteCreated, released on rejection, sold on a PO, expired in time.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = inventoryRepository(kit.db);
    registerRoutes(kit, repo);
    scheduleJobs(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeInventory(bus, received) };
  },
});
