/**
 * saas/analytics's message handlers: the generated AnalyticsHandlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, `eventplane scaffold
 * saas/analytics` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '../../../generated/clients/saas/analytics.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { onPaymentFailed } from './handlers/onPaymentFailed.js';
import { onPaymentSucceeded } from './handlers/onPaymentSucceeded.js';
import { onUserCreated } from './handlers/onUserCreated.js';
import { onUserDeleted } from './handlers/onUserDeleted.js';
import type { AnalyticsRepository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: AnalyticsRepository): client.AnalyticsHandlers {
  return {
    onPaymentFailed: onPaymentFailed(kit, repo),
    onPaymentSucceeded: onPaymentSucceeded(kit, repo),
    onUserCreated: onUserCreated(kit, repo),
    onUserDeleted: onUserDeleted(kit, repo),
  };
}
