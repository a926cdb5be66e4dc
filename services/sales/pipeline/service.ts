/**
 * sales/pipeline — the opportunities and their stages (lead → qualified → quoted → won), moved only
 * by events on `pipeline.queue`: EmailClassified (still v1) opens or qualifies one, QuoteCreated
 * makes it quoted, PurchaseOrderCreated won.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/sales/pipeline.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { pipelineRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const pipeline = defineService<Config>({
  service: client.pipelineService,
  description: 'Opportunities moved by classified emails (v1), quotes and purchase orders.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = pipelineRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribePipeline(bus, received) };
  },
});
