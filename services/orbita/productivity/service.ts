/**
 * orbita/productivity — tasks. Creating and completing a task commit with TaskCreated /
 * TaskCompleted in the outbox (subject: the task id, the aggregate consumers order by);
 * BlockMissed from scheduling makes a task slip or puts it at risk.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/orbita/productivity.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { productivityRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const productivity = defineService<Config>({
  service: client.productivityService,
  description: 'Tasks: create and complete them; missed focus blocks put them at risk.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = productivityRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeProductivity(bus, received) };
  },
});
