/** saas/analytics onUserDeleted: churn, by reason. */
import * as client from '../../../../generated/clients/saas/analytics.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { count } from '../count.js';
import type { AnalyticsRepository } from '../repository.js';

export function onUserDeleted(kit: ServiceKit<Config>, repo: AnalyticsRepository): client.AnalyticsHandlers['onUserDeleted'] {
  return count(kit, repo, client.analyticsSaasUserDeletedReceive);
}
