/**
 * sales/notification's message handlers: every event of `notification.queue` goes through the
 * same step — its drafts (./domain.ts) are stored, one per recipient, in the transaction of
 * the event's inbox row. A message that waited longer than the queue's TTL (4 h) never gets
 * here: the broker dead-letters it, stale, to `notification.queue.dlq`.
 */
import * as client from '../../../generated/clients/sales/notification.js';
import { nameBasedUuid, type ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { drafts, type SalesEvent } from './domain.js';
import type { NotificationRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: NotificationRepository): client.NotificationHandlers {
  const notify = kit.handle(client.notificationQueueReceive, async (delivery, _context, tx) => {
    for (const draft of drafts(delivery as SalesEvent)) {
      await repo.add(tx, nameBasedUuid('sales/notification', delivery.envelope.messageId, draft.recipient), delivery.envelope.messageId, delivery.name, draft);
    }
  });
  return {
    onApprovalGranted: notify,
    onApprovalRejected: notify,
    onEmailClassified: notify,
    onPurchaseOrderCreated: notify,
    onQuoteApprovalRequested: notify,
    onQuoteCreated: notify,
    onStockReservationFailed: notify,
  };
}
