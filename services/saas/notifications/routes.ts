/** saas/notifications' HTTP API: the emails it asked the email worker to send for a tenant. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { tenantParams } from '../_shared/schemas.js';
import type { Config } from './config.js';
import type { NotificationsRepository } from './repository.js';

export function registerRoutes(kit: ServiceKit<Config>, repo: NotificationsRepository): void {
  kit.app.get(
    '/api/tenants/:tenantId/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The send.email commands issued for the tenant, newest first',
        params: tenantParams,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } } },
      },
    },
    async (request) => repo.ofTenant(kit.store, request.params.tenantId, request.query.limit ?? 50),
  );
}
