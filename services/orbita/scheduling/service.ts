/**
 * orbita/scheduling — plans blocks of time (focus blocks for tasks, habit slots, 1:1
 * preparation) around the user's calendar and replans when things change: TaskCreated plans,
 * TaskCompleted frees, CalendarEventChanged moves what now conflicts, Smart1to1FrequencyChanged
 * replans the preparation; a block whose time passed unstarted is missed. Every block event goes
 * through the outbox with the block id as its subject (the aggregate consumers order by).
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/orbita/scheduling.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { scheduleJobs } from './jobs.js';
import { schedulingRepository } from './repository.js';
import { registerRoutes } from './routes.js';
import { steps } from './steps.js';

export const scheduling = defineService<Config>({
  service: client.schedulingService,
  description: 'Plans blocks of time around the calendar, replans on change, marks missed blocks.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = schedulingRepository(kit.db);
    const step = steps(kit, repo);
    registerRoutes(kit, repo, step);
    scheduleJobs(kit, repo, step);
    const received = handlers(kit, repo, step);
    return { subscribe: (bus) => client.subscribeScheduling(bus, received) };
  },
});
