/**
 * sales/email — classifies every email the sales inboxes receive (POST /api/emails) with the
 * deterministic rules of ./classifier.ts and publishes the result twice, through the outbox in
 * the same transaction: EmailClassified (v1: one category, priority 1–10) for pipeline and
 * notification, EmailClassifiedV2 (ranked categories, priority 0–100 with a band, sender,
 * language) for customer. Both stay until the last v1 consumer has moved (docs/CONTRACTS.md).
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/sales/email.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { emailRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const email = defineService<Config>({
  service: client.emailService,
  description: 'Classifies incoming sales emails (category, priority) and publishes EmailClassified v1 and v2 side by side.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    registerRoutes(kit, emailRepository(kit.db));
  },
});
