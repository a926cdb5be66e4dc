/**
 * Stage 1: an event the tenant's endpoints may subscribe to becomes one `process.webhook` job per
 * subscribed endpoint, each recorded as a pending delivery in the same transaction as the job's
 * outbox row and the event's inbox row (a redelivered event fans out nothing twice).
 */
import * as client from '../../../../generated/clients/saas/webhooks.js';
import type { Delivery, Handler, ReceiveDescriptor } from '../../../../src/runtime/index.js';
import { nameBasedUuid, type ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { webhookBody, type WebhookEventType } from '../domain.js';
import type { WebhooksRepository } from '../repository.js';

export function fanOut<D extends Delivery>(kit: ServiceKit<Config>, repo: WebhooksRepository, receive: ReceiveDescriptor<D>, eventType: WebhookEventType): Handler<D> {
  return kit.handle(receive, async (delivery, context, tx) => {
    const { envelope } = delivery;
    // The tenant travels in ce-tenantid; without it no endpoint can be chosen, so the event
    // goes through the ladder to the dead-letter queue, where the producer's bug shows.
    if (envelope.tenantId === undefined) throw new Error(`${envelope.type} ${envelope.messageId} carries no tenant (ce-tenantid): no endpoints to choose from`);
    const tenantId = envelope.tenantId;
    const endpoints = await repo.subscribers(tx, tenantId, eventType);
    const jobs = client.createWebhooksPublisher(kit.publisherIn(tx));
    const body = webhookBody({ type: eventType, eventId: envelope.messageId, occurredAt: envelope.time, tenantId, data: delivery.payload });
    for (const endpoint of endpoints) {
      const deliveryId = nameBasedUuid('webhook-delivery', envelope.messageId, endpoint.id);
      const fresh = await repo.addDelivery(tx, { id: deliveryId, tenantId, endpointId: endpoint.id, eventId: envelope.messageId, eventType, body });
      if (!fresh) continue;
      await jobs.sendProcessWebhook({ deliveryId, endpointId: endpoint.id, url: endpoint.url, eventType, body }, { causedBy: envelope, tenantId, subject: deliveryId });
    }
    context.log.info({ tenantId, eventType, endpoints: endpoints.length }, 'event fanned out to the tenant\u2019s endpoints');
  });
}
