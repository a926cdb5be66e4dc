/**
 * orbita/insights — each user's week (estimate accuracy, on-time rate, missed blocks,
 * habit consistency and a score) built from TaskCompleted, BlockMissed and
 * HabitSessionCompleted. A sink: it publishes nothing.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/orbita/insights.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { insightsRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const insights = defineService<Config>({
  service: client.insightsService,
  description: 'Weekly insights and scores from the domain events.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = insightsRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeInsights(bus, received) };
  },
});
