/** orbita/calendar's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

// Add the service's settings here, e.g. UPSTREAM_URL: { type: 'string', pattern: '^https?://' }.
export const env = { type: 'object', properties: {} } as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
