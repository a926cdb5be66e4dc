/** clinic/notifications' environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    NOTIFICATIONS_FILE: { type: 'string', minLength: 1, description: 'append sent notifications to this JSON-lines file; log them (without personal data) when unset' },
    NOTIFICATIONS_POLL_MS: { type: 'integer', minimum: 50, maximum: 60000, default: 1000 },
  },
  required: ['NOTIFICATIONS_POLL_MS'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
