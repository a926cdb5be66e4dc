/** shop/email's HTTP API: the emails it sent (or skipped, with the reason), newest first. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import type { EmailRepository } from './repository.js';

export function registerRoutes(kit: ServiceKit<Config>, repo: EmailRepository): void {
  const { app, store } = kit;
  app.get(
    '/api/emails',
    {
      schema: {
        tags: ['emails'],
        summary: 'The emails rendered for the shop events, newest first, filtered by recipient, order, checkout or cart',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            to: { type: 'string', format: 'email' },
            orderId: { type: 'integer', minimum: 1 },
            checkoutId: uuid,
            cartId: uuid,
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
        },
      },
    },
    async (request) => repo.find(store, { ...request.query, limit: request.query.limit ?? 50 }),
  );
}
