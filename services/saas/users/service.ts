/**
 * saas/users — the accounts of each tenant: REST CRUD under /api/tenants/{tenantId}/users, each
 * change published (UserCreated/Updated/Deleted) through the outbox with the tenant as
 * `ce-tenantid` and the user as `ce-subject`; answers `get.user_profile` requests over direct reply-to.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/saas/users.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { usersRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const users = defineService<Config>({
  service: client.usersService,
  description: "Accounts of the users of each tenant. Publishes the user lifecycle on the `events.exchange` topic exchange (pub/sub); the tenant is `ce-tenantid`, the user id `ce-subject`. Subscribers, each with its own queue: `notifications` (welcome email), `webhooks` (tenants' external systems), `analytics` (signups and churn). Answers `get.user_profile` requests (from `reports`) with a UserProfile, over RabbitMQ direct reply-to.",
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = usersRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeUsers(bus, received) };
  },
});
