/**
 * saas/webhooks's message handlers: the five subscribed events fan out (./handlers/fan-out.ts),
 * `process.webhook` jobs are delivered (./handlers/deliver.ts).
 */
import * as client from '../../../generated/clients/saas/webhooks.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { deliverWebhook } from './handlers/deliver.js';
import { fanOut } from './handlers/fan-out.js';
import type { WebhooksRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: WebhooksRepository, masterKey: string): client.WebhooksHandlers {
  return {
    onUserCreated: fanOut(kit, repo, client.webhooksSaasUserCreatedReceive, 'user.created'),
    onUserUpdated: fanOut(kit, repo, client.webhooksSaasUserUpdatedReceive, 'user.updated'),
    onUserDeleted: fanOut(kit, repo, client.webhooksSaasUserDeletedReceive, 'user.deleted'),
    onPaymentSucceeded: fanOut(kit, repo, client.webhooksSaasPaymentSucceededReceive, 'payment.succeeded'),
    onPaymentFailed: fanOut(kit, repo, client.webhooksSaasPaymentFailedReceive, 'payment.failed'),
    onProcessWebhook: deliverWebhook(kit, repo, masterKey),
  };
}
