/**
 * The step every saas/analytics handler takes: add the event's counter deltas to its tenant's
 * counters, in one transaction with the event's inbox row (a redelivery counts nothing twice).
 * An event without a tenant cannot be attributed: it fails, and after its retries is
 * dead-lettered with the reason.
 */
import type { Delivery, Handler } from '../../../src/runtime/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { deltasOf, type AnalyticsEvent } from './domain.js';
import type { AnalyticsRepository } from './repository.js';

export function count<D extends Delivery & AnalyticsEvent>(kit: ServiceKit<Config>, repo: AnalyticsRepository, queue: { readonly queue: string }): Handler<D> {
  return kit.handle<D>(queue, async (delivery, _context, tx) => {
    const tenantId = delivery.envelope.tenantId;
    if (!tenantId) throw new Error(`${delivery.name} ${delivery.envelope.messageId} carries no tenant (ce-tenantid): it cannot be counted`);
    await repo.add(tx, tenantId, deltasOf(delivery));
  });
}
