/** sales/notification's HTTP API: the notifications sent, newest first. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { uuid } from '../_shared/schemas.js';
import type { Config } from './config.js';
import type { NotificationRepository, NotificationRow } from './repository.js';

const view = (row: NotificationRow) => ({ ...row, created_at: new Date(row.created_at).toISOString() });

export function registerRoutes(kit: ServiceKit<Config>, repo: NotificationRepository): void {
  const { app, store } = kit;
  app.get(
    '/api/notifications',
    {
      schema: {
        tags: ['notification'],
        summary: 'Notifications, newest first; `about` narrows them to one email or quote',
        querystring: { type: 'object', additionalProperties: false, properties: { about: uuid, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } } },
      },
    },
    async (request) => (await repo.list(store, request.query.about, request.query.limit ?? 50)).map(view),
  );
}
