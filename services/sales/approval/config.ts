/** sales/approval's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): none of its own. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = { type: 'object', properties: {} } as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
