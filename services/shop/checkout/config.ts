/** shop/checkout's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    CART_URL: { type: 'string', pattern: '^https?://', description: 'base URL of the cart service' },
    INVENTORY_URL: { type: 'string', pattern: '^https?://', description: 'base URL of the inventory service' },
    CHECKOUT_STEP_TIMEOUT: { type: 'string', pattern: '^[0-9]+(ms|s|m|h|d)$', default: '30s', description: 'how long each saga step may take (shop.md: 30 s)' },
    RESERVE_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 60000, default: 5000, description: 'deadline of one stock-reservation call' },
  },
  required: ['CART_URL', 'INVENTORY_URL', 'CHECKOUT_STEP_TIMEOUT', 'RESERVE_TIMEOUT_MS'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
