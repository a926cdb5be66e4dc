/** shop/order's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    SHIP_TO_COUNTRIES: {
      type: 'string',
      pattern: '^[A-Z]{2}(,[A-Z]{2})*$',
      default: 'GB,IE,FR,DE,ES,IT,NL,BE,PT,AT,DK,SE',
      description: 'ISO country codes the shop delivers to; an order elsewhere is refused (undeliverable_address)',
    },
  },
  required: ['SHIP_TO_COUNTRIES'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
