/**
 * orbita/habits — habits, their sessions and streaks. A reported session extends the
 * streak and is published as HabitSessionCompleted (subject: the habit id); BlockMissed for a
 * habit slot puts the streak at risk, and a second miss in a row breaks it.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/orbita/habits.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { habitsRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const habits = defineService<Config>({
  service: client.habitsService,
  description: 'Habits, sessions and streaks; missed slots put streaks at risk.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = habitsRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeHabits(bus, received) };
  },
});
