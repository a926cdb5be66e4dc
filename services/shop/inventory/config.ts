/** shop/inventory's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    RESERVATION_TTL: { type: 'string', pattern: '^[0-9]+(ms|s|m|h|d)$', default: '15m', description: 'how long an unconfirmed reservation holds stock' },
    WAREHOUSE_ID: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{1,3}$', default: 'LON-1' },
    EXPIRY_SWEEP_MS: { type: 'integer', minimum: 100, maximum: 3600000, default: 30000 },
  },
  required: ['RESERVATION_TTL', 'WAREHOUSE_ID', 'EXPIRY_SWEEP_MS'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
