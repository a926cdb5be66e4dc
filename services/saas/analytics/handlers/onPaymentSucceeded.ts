/** saas/analytics onPaymentSucceeded: revenue, per plan and currency. */
import * as client from '../../../../generated/clients/saas/analytics.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { count } from '../count.js';
import type { AnalyticsRepository } from '../repository.js';

export function onPaymentSucceeded(kit: ServiceKit<Config>, repo: AnalyticsRepository): client.AnalyticsHandlers['onPaymentSucceeded'] {
  return count(kit, repo, client.analyticsSaasPaymentSucceededReceive);
}
