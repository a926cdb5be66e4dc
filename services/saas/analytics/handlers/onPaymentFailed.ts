/** saas/analytics onPaymentFailed: a payment failure, per plan and code. */
import * as client from '../../../../generated/clients/saas/analytics.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { count } from '../count.js';
import type { AnalyticsRepository } from '../repository.js';

export function onPaymentFailed(kit: ServiceKit<Config>, repo: AnalyticsRepository): client.AnalyticsHandlers['onPaymentFailed'] {
  return count(kit, repo, client.analyticsSaasPaymentFailedReceive);
}
