/** saas/webhooks's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    WEBHOOKS_MASTER_KEY: { type: 'string', minLength: 32, writeOnly: true, description: "derives each endpoint's signing secret; changing it changes every secret. Unset: a key made at the first start and kept in the service's database (local stacks)" },
    WEBHOOK_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 60000, default: 10000, description: 'one delivery attempt, connect to last byte' },
    WEBHOOK_BREAKER_THRESHOLD: { type: 'integer', minimum: 1, maximum: 100, default: 5, description: 'unavailable answers in a row that open an endpoint\u2019s breaker' },
    WEBHOOK_BREAKER_COOLDOWN_MS: { type: 'integer', minimum: 100, maximum: 86400000, default: 60000, description: 'how long a breaker stays open before one probe' },
    WEBHOOK_RELEASE_MS: { type: 'integer', minimum: 50, maximum: 600000, default: 1000, description: 'how often deferred deliveries are checked for release' },
  },
  required: ['WEBHOOK_TIMEOUT_MS', 'WEBHOOK_BREAKER_THRESHOLD', 'WEBHOOK_BREAKER_COOLDOWN_MS', 'WEBHOOK_RELEASE_MS'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
