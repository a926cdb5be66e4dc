/** saas/analytics onUserCreated: a signup, by method and role. */
import * as client from '../../../../generated/clients/saas/analytics.js';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import { count } from '../count.js';
import type { AnalyticsRepository } from '../repository.js';

export function onUserCreated(kit: ServiceKit<Config>, repo: AnalyticsRepository): client.AnalyticsHandlers['onUserCreated'] {
  return count(kit, repo, client.analyticsSaasUserCreatedReceive);
}
