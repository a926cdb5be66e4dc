/**
 * sales/customer — the customer records. Reads EmailClassifiedV2 (the first consumer migrated to v2)
 * from `customer.queue`: each email joins its customer's timeline, or opens a lead for an unknown
 * sender's domain. Customers are added over REST.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/sales/customer.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { customerRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const customer = defineService<Config>({
  service: client.customerService,
  description: 'Customers with their email timelines and leads, from EmailClassifiedV2.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = customerRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeCustomer(bus, received) };
  },
});
