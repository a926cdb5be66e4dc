/**
 * orbita/wellness — each user's daily wellness record (activity, rest and mind minutes,
 * mood) from completed habit sessions, and the mood trend over a week.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/orbita/wellness.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { wellnessRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const wellness = defineService<Config>({
  service: client.wellnessService,
  description: 'Daily wellness records and mood trend from habit sessions.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = wellnessRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeWellness(bus, received) };
  },
});
