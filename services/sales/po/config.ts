/** sales/po's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    QUOTE_URL: { type: 'string', pattern: '^https?://', description: 'base URL of the quote service (a PO copies its quote’s lines and totals)' },
  },
  required: ['QUOTE_URL'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
