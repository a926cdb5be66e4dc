/**
 * shop/email — customer emails from the shop events on one queue, `email-service-queue`: order
 * confirmation, shipping notice, failed checkout, refund confirmation and the abandoned-cart
 * reminder. Each is rendered and recorded once per event (readable at GET /api/emails); a
 * mail transport would send what is recorded. Invalid or oversized messages are dead-lettered
 * with the reason by the runtime and the consumer keeps going.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/shop/email.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { emailRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const email = defineService<Config>({
  service: client.emailService,
  description: 'Renders and records the customer emails the shop events call for (order confirmation, shipping, failed checkout, refund, abandoned cart).',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = emailRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeEmail(bus, received) };
  },
});
