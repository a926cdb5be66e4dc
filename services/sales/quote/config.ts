/** sales/quote's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    QUOTE_VALIDITY_DAYS: { type: 'integer', minimum: 1, maximum: 365, default: 30, description: 'how long a quote is valid when the rep names no date' },
  },
  required: ['QUOTE_VALIDITY_DAYS'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
