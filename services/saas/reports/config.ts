/** saas/reports's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    REPORTS_PUBLIC_URL: { type: 'string', pattern: '^https?://', description: 'base of download links; http://HOST:PORT when unset' },
    REPORTS_PROFILE_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 60000, default: 5000, description: 'how long POST /api/tenants/{tenantId}/reports waits for users\u2019 reply to get.user_profile' },
    REPORTS_SYNC_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 120000, default: 15000, description: 'how long POST /api/tenants/{tenantId}/reports?sync=true waits for the report' },
    REPORTS_LINK_TTL_HOURS: { type: 'integer', minimum: 1, maximum: 720, default: 168, description: 'how long a download link works' },
  },
  required: ['REPORTS_PROFILE_TIMEOUT_MS', 'REPORTS_SYNC_TIMEOUT_MS', 'REPORTS_LINK_TTL_HOURS'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
