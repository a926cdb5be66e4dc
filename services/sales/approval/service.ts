/**
 * sales/approval — approval tasks. QuoteApprovalRequested (on `approval.queue`) opens a task for the level the quote needs; an approver of that level or above approves or rejects it over REST, which publishes ApprovalGranted or ApprovalRejected through the outbox.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/sales/approval.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { approvalRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const approval = defineService<Config>({
  service: client.approvalService,
  description: "Approval tasks for quotes beyond a rep’s authority; approve or reject over REST.",
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = approvalRepository(kit.db);
    registerRoutes(kit, repo);
    const received = handlers(kit, repo);
    return { subscribe: (bus) => client.subscribeApproval(bus, received) };
  },
});
