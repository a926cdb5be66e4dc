/**
 * orbita/meetings — smart 1:1s: recurring one-to-one series whose frequency the user sets
 * or check-ins adapt. Each change is published as Smart1to1FrequencyChanged (subject: the series
 * id); scheduling replans the series' preparation.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/orbita/meetings.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { meetingsRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const meetings = defineService<Config>({
  service: client.meetingsService,
  description: 'Smart 1:1 series whose frequency adapts; changes go to scheduling.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = meetingsRepository(kit.db);
    registerRoutes(kit, repo);
  },
});
