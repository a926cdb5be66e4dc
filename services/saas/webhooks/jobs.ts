/**
 * The releaser: deliveries deferred while their endpoint's breaker was open go out again as
 * `process.webhook` jobs — one (the probe) once the cool-down is over, all of them once the
 * breaker is closed again. Jobs leave through the outbox in the transaction that marks them
 * pending, so a crash loses none and sends none twice.
 */
import * as client from '../../../generated/clients/saas/webhooks.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { releasable, type WebhookEventType } from './domain.js';
import { breakerSettings } from './handlers/deliver.js';
import type { WebhooksRepository } from './repository.js';

/** Deferred deliveries sent per endpoint per round once its breaker is closed. */
const BATCH = 100;

export function releaseDeferred(kit: ServiceKit<Config>, repo: WebhooksRepository): () => Promise<void> {
  const settings = breakerSettings(kit.config);
  return async () => {
    const released = await kit.store.transaction(async (tx) => {
      const jobs = client.createWebhooksPublisher(kit.publisherIn(tx));
      let count = 0;
      for (const endpoint of await repo.endpointsWithDeferred(tx)) {
        const how = releasable(endpoint.breaker, Date.now(), settings);
        if (how === 'none') continue;
        for (const row of await repo.releaseDeferred(tx, endpoint.id, how === 'all' ? BATCH : 1)) {
          await jobs.sendProcessWebhook(
            { deliveryId: row.id, endpointId: endpoint.id, url: endpoint.url, eventType: row.eventType as WebhookEventType, body: row.body },
            { tenantId: row.tenantId, subject: row.id },
          );
          count += 1;
        }
      }
      return count;
    });
    if (released > 0) kit.log.info({ released }, 'deferred webhook deliveries released');
  };
}
