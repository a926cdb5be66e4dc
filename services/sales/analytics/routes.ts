/** sales/analytics's HTTP API: the summary. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { AnalyticsRepository } from './repository.js';

export function registerRoutes(kit: ServiceKit<Config>, repo: AnalyticsRepository): void {
  const { app, store } = kit;
  app.get('/api/analytics/summary', { schema: { tags: ['analytics'], summary: 'Stock held for quotes and revenue booked by purchase orders' } }, async () => repo.summary(store));
}
