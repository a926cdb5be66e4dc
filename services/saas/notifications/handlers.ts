/**
 * saas/notifications's message handlers: the generated NotificationsHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * saas/notifications` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/saas/notifications.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onPaymentFailed } from './handlers/onPaymentFailed.js';
import { onPaymentSucceeded } from './handlers/onPaymentSucceeded.js';
import { onReportGenerated } from './handlers/onReportGenerated.js';
import { onUserCreated } from './handlers/onUserCreated.js';
import { onUserUpdated } from './handlers/onUserUpdated.js';
import type { NotificationsRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: NotificationsRepository): client.NotificationsHandlers {
  return {
    onPaymentFailed: onPaymentFailed(kit, repo),
    onPaymentSucceeded: onPaymentSucceeded(kit, repo),
    onReportGenerated: onReportGenerated(kit, repo),
    onUserCreated: onUserCreated(kit, repo),
    onUserUpdated: onUserUpdated(kit, repo),
  };
}
