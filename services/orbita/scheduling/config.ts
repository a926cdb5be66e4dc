/** orbita/scheduling's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    WORKDAY_START_HOUR: { type: 'integer', minimum: 0, maximum: 23, default: 9, description: 'first working hour (UTC) blocks are planned in' },
    WORKDAY_END_HOUR: { type: 'integer', minimum: 1, maximum: 24, default: 17, description: 'working hours end (UTC, exclusive)' },
    MAX_BLOCK_MINUTES: { type: 'integer', minimum: 15, maximum: 480, default: 120, description: 'longest focus block; longer tasks are split' },
    MIN_BLOCK_MINUTES: { type: 'integer', minimum: 5, maximum: 240, default: 30, description: 'shortest focus block worth planning' },
    PREP_MINUTES: { type: 'integer', minimum: 5, maximum: 120, default: 15, description: "preparation before each 1:1's next occurrence" },
    MISSED_SWEEP_MS: { type: 'integer', minimum: 100, maximum: 3600000, default: 5000, description: 'how often blocks whose time passed unstarted are marked missed' },
  },
  required: ['WORKDAY_START_HOUR', 'WORKDAY_END_HOUR', 'MAX_BLOCK_MINUTES', 'MIN_BLOCK_MINUTES', 'PREP_MINUTES', 'MISSED_SWEEP_MS'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
