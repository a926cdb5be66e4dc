/**
 * saas/billing — charges a plan's monthly invoice to a card and publishes the outcome on
 * `events.exchange`: PaymentSucceeded or PaymentFailed (with the attempt and the dunning
 * schedule's next attempt), through the outbox, tagged with the tenant. The built-in card
 * processor is a test double: the card number decides (4000000000000002 is always declined).
 * Subscribers: `notifications` (receipt, dunning email), `webhooks`, `analytics`.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/saas/billing.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { TestCardProcessor, type CardProcessor } from './provider.js';
import { billingRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export function billingService(processor: CardProcessor = new TestCardProcessor()) {
  return defineService<Config>({
    service: client.billingService,
    description: 'Charges plan invoices to cards (test processor: the card number decides) and publishes PaymentSucceeded or PaymentFailed per attempt.',
    sends: sendsOf(client),
    env,
    migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
    setup(kit) {
      registerRoutes(kit, billingRepository(kit.db), processor);
    },
  });
}

export const billing = billingService();
