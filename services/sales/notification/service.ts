/**
 * sales/notification — tells people what happened: urgent emails (v1) to the account owner, quotes
 * and shortfalls to the account team, approval requests to approvers, decisions to the quote's
 * author, POs to finance and fulfilment. `notification.queue` has a 4-hour message TTL: a
 * notification that waited longer is dead-lettered as stale rather than sent late.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/sales/notification.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { notificationRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const notification = defineService<Config>({
  service: client.notificationService,
  description: 'Notifications from sales events; stale ones (queue TTL 4 h) are dead-lettered, not sent late.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = notificationRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeNotification(bus, received) };
  },
});
