/**
 * saas/webhooks — notifies tenants' external systems. The user and payment events fan out to
 * one `process.webhook` job per subscribed endpoint; workers POST each, signed with HMAC-SHA256,
 * behind a per-endpoint circuit breaker, retried through the contract's ladder and dead-lettered
 * after the last attempt. Deliveries deferred by an open breaker are released by ./jobs.ts.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/saas/webhooks.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { releaseDeferred } from './jobs.js';
import { webhooksRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const webhooks = defineService<Config>({
  service: client.webhooksService,
  description: "Tenants register HTTPS endpoints; user and payment events are delivered to them signed (HMAC-SHA256), retried, behind a per-endpoint circuit breaker, dead-lettered after the last attempt.",
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  async setup(kit) {
    const repo = webhooksRepository(kit.db);
    const masterKey = kit.config.WEBHOOKS_MASTER_KEY ?? (await repo.keptMasterKey(kit.store, randomBytes(32).toString('base64url')));
    if (kit.config.WEBHOOKS_MASTER_KEY === undefined) kit.log.warn('WEBHOOKS_MASTER_KEY is not set: endpoint secrets derive from a key kept in the service’s database; set it outside local stacks');
    registerRoutes(kit, repo, masterKey);
    kit.every(kit.config.WEBHOOK_RELEASE_MS, 'releasing deferred webhook deliveries', releaseDeferred(kit, repo));
    const received = handlers(kit, repo, masterKey);
    return { subscribe: (bus) => client.subscribeWebhooks(bus, received) };
  },
});
