/** saas/email's environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): the SMTP server it sends through. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

export const env = {
  type: 'object',
  properties: {
    SMTP_HOST: { type: 'string', minLength: 1, default: '127.0.0.1', description: 'SMTP server (npm start runs a local sink and sets it)' },
    SMTP_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 2525 },
    SMTP_SECURE: { type: 'boolean', default: false, description: 'TLS from the first byte (port 465); otherwise STARTTLS when the server offers it' },
    SMTP_USER: { type: 'string', minLength: 1 },
    SMTP_PASSWORD: { type: 'string', minLength: 1, writeOnly: true },
    SMTP_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 300000, default: 15000, description: 'connection, greeting and socket timeouts' },
    EMAIL_FROM: { type: 'string', minLength: 3, default: 'SaaS <no-reply@saas.example.com>' },
  },
  required: ['SMTP_HOST', 'SMTP_PORT', 'SMTP_SECURE', 'SMTP_TIMEOUT_MS', 'EMAIL_FROM'],
} as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
