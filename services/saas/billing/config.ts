/** saas/billing's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

// None yet: prices and test cards are built in (domain.ts, provider.ts).
export const env = { type: 'object', properties: {} } as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
