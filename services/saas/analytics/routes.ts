/** saas/analytics' HTTP API: a tenant's aggregates (signups, churn, payments, revenue per plan). */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { tenantParams } from '../_shared/schemas.js';
import type { Config } from './config.js';
import { report } from './domain.js';
import type { AnalyticsRepository } from './repository.js';

export function registerRoutes(kit: ServiceKit<Config>, repo: AnalyticsRepository): void {
  kit.app.get(
    '/api/tenants/:tenantId/analytics',
    { schema: { tags: ['analytics'], summary: "The tenant's signups, deletions, payments, failure rate and revenue (per plan and currency)", params: tenantParams } },
    async (request) => report(request.params.tenantId, await repo.ofTenant(kit.store, request.params.tenantId)),
  );
}
