/**
 * saas/notifications — decides who is told what: each user, payment and report event that warrants
 * an email becomes one `send.email` command for the email worker (template + variables, see
 * domain.ts), issued through the outbox in the event's transaction, inheriting its tenant,
 * correlation and trace context.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/saas/notifications.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { notificationsRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const notifications = defineService<Config>({
  service: client.notificationsService,
  description: 'Turns user, payment and report events into send.email commands for the email worker.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = notificationsRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeNotifications(bus, received) };
  },
});
