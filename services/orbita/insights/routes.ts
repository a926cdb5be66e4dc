/** orbita/insights' HTTP API: a user's week and its scores. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import { uuid } from '../_shared/schemas.js';
import { weekOf } from '../_shared/time.js';
import type { Config } from './config.js';
import { scores } from './domain.js';
import type { InsightsRepository } from './repository.js';

export function registerRoutes(kit: ServiceKit<Config>, repo: InsightsRepository): void {
  const { app, store } = kit;
  app.get(
    '/api/insights/:userId',
    {
      schema: {
        tags: ['insights'],
        summary: "A user's week (default: this week): what happened and its scores",
        params: { type: 'object', required: ['userId'], properties: { userId: uuid } },
        querystring: { type: 'object', additionalProperties: false, properties: { week: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'any day of the week' } } },
      },
    },
    async (request) => {
      const week = weekOf(request.query.week ? `${request.query.week}T00:00:00Z` : Date.now());
      const w = await repo.week(store, request.params.userId, week);
      return { userId: request.params.userId, ...w, ...scores(w) };
    },
  );
}
