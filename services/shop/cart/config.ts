/** shop/cart's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    PRODUCT_URL: { type: 'string', pattern: '^https?://', description: 'base URL of the product service, e.g. http://127.0.0.1:4103' },
    CART_TTL: { type: 'string', pattern: '^[0-9]+(ms|s|m|h|d)$', default: '7d', description: 'idle time after which an open cart expires' },
    EXPIRY_SWEEP_MS: { type: 'integer', minimum: 100, maximum: 86400000, default: 60000 },
  },
  required: ['PRODUCT_URL', 'CART_TTL', 'EXPIRY_SWEEP_MS'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
