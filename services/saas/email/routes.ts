/** saas/email's HTTP API: the emails sent for a tenant. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { tenantParams } from '../_shared/schemas.js';
import type { Config } from './config.js';
import type { EmailRepository } from './repository.js';

export function registerRoutes(kit: ServiceKit<Config>, repo: EmailRepository): void {
  kit.app.get(
    '/api/tenants/:tenantId/emails',
    {
      schema: {
        tags: ['emails'],
        summary: 'The emails sent for the tenant, newest first',
        params: tenantParams,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } },
      },
    },
    async (request) => repo.ofTenant(kit.store, request.params.tenantId, request.query.limit ?? 50),
  );
}
