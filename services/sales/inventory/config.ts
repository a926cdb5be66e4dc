/** sales/inventory's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    RESERVATION_TTL: {
      type: 'string',
      pattern: '^[0-9]+(ms|s|m|h|d)$',
      default: '14d',
      description: 'the longest a quote holds stock: a reservation expires at the end of the quote’s validity or after this, whichever comes first',
    },
    EXPIRY_SWEEP_MS: { type: 'integer', minimum: 100, maximum: 3600000, default: 30000, description: 'how often expired reservations are looked for' },
    WAREHOUSE: { type: 'string', pattern: '^[A-Z]{2,5}[0-9]{0,2}$', default: 'HAM1' },
  },
  required: ['RESERVATION_TTL', 'EXPIRY_SWEEP_MS', 'WAREHOUSE'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
