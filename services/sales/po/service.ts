/**
 * sales/po — customers' purchase orders, entered over REST against a quote (its lines and total are
 * copied from the quote service). A PO against an approved quote is created at once
 * (PurchaseOrderCreated); against a quote awaiting approval it is held until ApprovalGranted
 * arrives on `po.queue`, and cancelled by ApprovalRejected.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/sales/po.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { poRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const po = defineService<Config>({
  service: client.poService,
  description: 'Purchase orders against quotes: created at once when approved, held until ApprovalGranted, cancelled on rejection.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = poRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribePo(bus, received) };
  },
});
